import assert from "node:assert/strict";
import { LobbyServerMessage } from "../../../rooms/protocol.ts";
import { askForMatch, enterLobby, newUser, waitingWith, type TestUser } from "../../helpers/realtime.ts";
import { basicAuth, request } from "../../helpers/http.ts";
import { chatAndReport } from "../../helpers/report.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const WIDEN_MS = 300;

describe("safety: the shadow pool", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({
      TRUST_PROXY: "loopback",
      REPORT_BAN_THRESHOLD: "3",
      SHADOW_POOL_REPORTERS: "2",
      ADMIN_PASSWORD: "admin-password-for-tests",
      MATCH_WIDEN_AFTER_MS: String(WIDEN_MS),
    });
  });
  after(() => server.stop());

  it("a user reported with evidence by two independent users, under the ban threshold, is matched only inside the shadow pool, unaware", async () => {
    const target = await newUser(server.baseUrl);
    await chatAndReport(server.baseUrl, target, { address: "192.0.2.10", says: "go away loser", category: "harassment" });
    assert.equal(await server.services.moderation.inShadowPool(target.id), false, "one reporter is not enough");
    await chatAndReport(server.baseUrl, target, { address: "192.0.2.11", says: "go away loser", category: "harassment" });
    assert.equal(await server.services.moderation.inShadowPool(target.id), true);
    const pool = await server.services.moderation.shadowPool({ offset: 0, limit: 10 });
    assert.deepEqual(pool.users.map((user) => user.userId), [target.id]);
    assert.ok(pool.users[0]!.until.getTime() > Date.now() + 23 * 3600 * 1000, "until the report window passes");
    const listed = await request(server.baseUrl, "GET", "/api/admin/shadow-pool", { headers: basicAuth("admin", "admin-password-for-tests") });
    assert.deepEqual(listed.body.data.members.map((m: { userId: string }) => m.userId), [target.id], "the moderators' console lists them");
    assert.equal(listed.body.data.total, 1);

    const shadowed = await enterLobby(target);
    shadowed.room.send("user:match", {});
    const queued = await shadowed.inbox.next(LobbyServerMessage.Queued);
    assert.deepEqual(Object.keys(queued), ["position"], "told nothing more than anyone else");
    const ordinary = await waitingWith(server.baseUrl, {});
    await new Promise((resolve) => setTimeout(resolve, WIDEN_MS + 2000));
    assert.equal(shadowed.inbox.count(LobbyServerMessage.Matched), 0, "not matched with someone outside the pool, even once anyone will do");
    assert.equal(ordinary.inbox.count(LobbyServerMessage.Matched), 0);

    const other = await newUser(server.baseUrl);
    await server.services.safety.shadow(other.id, new Date(Date.now() + 3600_000));
    const otherShadowed = await enterLobby(other);
    assert.equal((await askForMatch(otherShadowed)).matchedUser.id, target.id, "matched inside the pool");
    assert.equal((await shadowed.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, other.id);
    const outsider = await waitingWith(server.baseUrl, {});
    assert.equal((await outsider.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, ordinary.user.id, "outside the pool, life goes on");
    await Promise.all([shadowed, ordinary, otherShadowed, outsider].map((s) => s.room.leave()));
  });
});
