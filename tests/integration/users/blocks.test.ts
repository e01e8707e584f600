import assert from "node:assert/strict";
import { LobbyClientMessage, LobbyServerMessage } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { askForMatch, enterLobby, newUser, type LobbySession } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const WIDEN_MS = 800;

/** Two users waiting with preferences that keep them apart until they widen. */
export async function narrowPair(baseUrl: string): Promise<[LobbySession, LobbySession]> {
  const [a, b] = await Promise.all([newUser(baseUrl).then(enterLobby), newUser(baseUrl).then(enterLobby)]);
  a.room.send(LobbyClientMessage.Match, { preferences: { language: "en" } });
  b.room.send(LobbyClientMessage.Match, { preferences: { language: "fr" } });
  await Promise.all([a.inbox.next(LobbyServerMessage.Queued), b.inbox.next(LobbyServerMessage.Queued)]);
  return [a, b];
}

describe("safety: a block takes effect at once", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ MATCH_WIDEN_AFTER_MS: String(WIDEN_MS) });
  });
  after(() => server.stop());

  it("two users already waiting are never paired once one blocks the other, even after their preferences widen; others still meet them", async () => {
    const [a, b] = await narrowPair(server.baseUrl);
    const blocked = await request(server.baseUrl, "POST", `/api/users/${b.user.id}/block`, { token: a.user.token });
    assert.equal(blocked.status, 200);
    await new Promise((resolve) => setTimeout(resolve, WIDEN_MS + 2500));
    assert.equal(a.inbox.count(LobbyServerMessage.Matched), 0, "the blocker is not paired with the blocked");
    assert.equal(b.inbox.count(LobbyServerMessage.Matched), 0, "nor the blocked with the blocker");

    const [c, d] = await Promise.all([newUser(server.baseUrl).then(enterLobby), newUser(server.baseUrl).then(enterLobby)]);
    const mc = await askForMatch(c);
    const md = await askForMatch(d);
    assert.deepEqual(new Set([mc.matchedUser.id, md.matchedUser.id]), new Set([a.user.id, b.user.id]), "each of them meets someone else");
    await Promise.all([a, b, c, d].map((s) => s.room.leave()));
  });

  it("without a block, the same two are paired once their preferences widen", async () => {
    const [a, b] = await narrowPair(server.baseUrl);
    const matched = await a.inbox.next(LobbyServerMessage.Matched, WIDEN_MS + 5000);
    assert.equal(matched.matchedUser.id, b.user.id);
    await Promise.all([a, b].map((s) => s.room.leave()));
  });
});
