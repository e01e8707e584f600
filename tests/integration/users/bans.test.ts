import assert from "node:assert/strict";
import { ChatServerMessage } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { askForMatch, chattingPair, enterLobby, newUser, takeSeat, type ChatSide } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const ADMIN_PASSWORD = "admin-password-for-tests";
const adminAuth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` };

/** A's connection drops (not a leave): the chat holds A's seat for the reconnection grace. */
async function dropped(a: ChatSide, b: ChatSide): Promise<string> {
  const token = a.room.reconnectionToken;
  await a.room.leave(false);
  assert.deepEqual(await b.inbox.next(ChatServerMessage.PartnerDisconnected), { userId: a.user.id });
  return token;
}

describe("bans hold through the reconnection grace", function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await bootServer({ ADMIN_PASSWORD, RECONNECT_GRACE: "20" });
  });
  after(() => server.stop());

  it("a user banned while dropped cannot come back, and the partner is told at once that the chat is over", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const token = await dropped(a, b);
    const banned = await request(server.baseUrl, "POST", `/api/admin/users/${a.user.id}/ban`, { body: { reason: "abuse", hours: 1 }, headers: adminAuth });
    assert.equal(banned.status, 200);
    const left = await b.inbox.next(ChatServerMessage.PartnerLeft, 10_000);
    assert.deepEqual(left, { userId: a.user.id, reason: "left" }, "well before the 20 s grace runs out");
    await assert.rejects(a.user.client.reconnect(token), "the held seat is gone");
  });

  it("a ban this process was never told about still refuses the reconnection, and ends the chat", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const token = await dropped(a, b);
    // Written to the store directly: no notice reaches the room, as when a notice is lost or races the reconnection.
    await server.services.safety.ban(a.user.id, new Date(Date.now() + 3600_000), "abuse", "test");
    await assert.rejects(a.user.client.reconnect(token), (error: Error) => {
      assert.match(error.message, /Banned until/);
      return true;
    });
    assert.deepEqual(await b.inbox.next(ChatServerMessage.PartnerLeft), { userId: a.user.id, reason: "left" });
    assert.equal(b.inbox.count(ChatServerMessage.PartnerReconnected), 0, "the partner never saw them come back");
  });

  it("a user banned between the match and taking their seat is refused the seat, and the partner is told at once", async () => {
    const sessions = await Promise.all([newUser(server.baseUrl), newUser(server.baseUrl)].map(async (user) => enterLobby(await user)));
    const [matchedA, matchedB] = await Promise.all(sessions.map((session) => askForMatch(session)));
    const b = await takeSeat(sessions[1]!, matchedB!);
    await server.services.safety.ban(sessions[0]!.user.id, new Date(Date.now() + 3600_000), "abuse", "test");
    await assert.rejects(sessions[0]!.user.client.consumeSeatReservation(matchedA!.reservation as any), "a seat reserved before the ban does not admit them");
    assert.deepEqual(await b.inbox.next(ChatServerMessage.PartnerLeft, 10_000), { userId: sessions[0]!.user.id, reason: "left" });
  });

  it("a guest banned or deleted right after its token was issued is refused the lobby (a token this process signed skips only its second verify)", async () => {
    const banned = await newUser(server.baseUrl);
    await server.services.safety.ban(banned.id, new Date(Date.now() + 3600_000), "abuse", "test");
    await assert.rejects(enterLobby(banned), /Banned until/);
    const deleted = await newUser(server.baseUrl);
    assert.equal(await server.services.users.delete(deleted.id), true);
    await assert.rejects(enterLobby(deleted), /no longer exists/);
  });
});
