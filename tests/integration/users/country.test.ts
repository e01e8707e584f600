import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { LobbyClientMessage, LobbyServerMessage } from "../../../rooms/protocol.ts";
import { countryOf } from "../../../src/users/geo.ts";
import { registerGuest } from "../../helpers/http.ts";
import { enterLobby, type TestUser } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const LONDON = "81.2.69.142";
const MOUNTAIN_VIEW = "8.8.8.8";

describe("location", () => {
  it("looks up the country of a public address offline, and none for private ones", () => {
    assert.equal(countryOf(LONDON), "GB");
    assert.equal(countryOf(`::ffff:${MOUNTAIN_VIEW}`), "US");
    assert.equal(countryOf("10.1.2.3"), null);
    assert.equal(countryOf("127.0.0.1"), null);
    assert.equal(countryOf(undefined), null);
  });

  describe("in matches, behind a trusted proxy", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ TRUST_PROXY: "true", MATCH_WIDEN_AFTER_MS: "60000" });
    });
    after(() => server.stop());

    /** A user whose requests arrive through the proxy from `ip`. */
    async function userFrom(ip: string): Promise<TestUser> {
      const guest = await registerGuest(server.baseUrl);
      const client = new Client(server.baseUrl, { headers: { "x-forwarded-for": ip } });
      client.auth.token = guest.token;
      return { ...guest, client };
    }

    it("shows the partner's country only when the partner shares it", async () => {
      const [sharer, private_] = await Promise.all([userFrom(LONDON), userFrom(MOUNTAIN_VIEW)]);
      const [ls, lp] = await Promise.all([enterLobby(sharer), enterLobby(private_)]);
      ls.room.send(LobbyClientMessage.Match, { shareCountry: true });
      lp.room.send(LobbyClientMessage.Match, {});
      const [ms, mp] = await Promise.all([
        ls.inbox.next(LobbyServerMessage.Matched),
        lp.inbox.next(LobbyServerMessage.Matched),
      ]);
      assert.equal(mp.matchedUser.country, "GB", "the sharer's country is shown");
      assert.equal(ms.matchedUser.country, undefined, "the other kept theirs private");
      await Promise.all([ls.room.leave(), lp.room.leave()]);
    });

    it("a preferred country narrows the match", async () => {
      const [seeker, american, briton] = await Promise.all([userFrom(MOUNTAIN_VIEW), userFrom(MOUNTAIN_VIEW), userFrom(LONDON)]);
      const seekerLobby = await enterLobby(seeker);
      seekerLobby.room.send(LobbyClientMessage.Match, { preferences: { country: "gb" } });
      await seekerLobby.inbox.next(LobbyServerMessage.Queued);
      const americanLobby = await enterLobby(american);
      americanLobby.room.send(LobbyClientMessage.Match, {});
      await americanLobby.inbox.next(LobbyServerMessage.Queued);
      const britonLobby = await enterLobby(briton);
      britonLobby.room.send(LobbyClientMessage.Match, {});
      const matched = await seekerLobby.inbox.next(LobbyServerMessage.Matched);
      assert.equal(matched.matchedUser.id, briton.id);
      assert.equal(americanLobby.inbox.count(LobbyServerMessage.Matched), 0);
      await Promise.all([seekerLobby, americanLobby, britonLobby].map((s) => s.room.leave()));
    });
  });
});
