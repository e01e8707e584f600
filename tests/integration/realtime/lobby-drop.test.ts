import assert from "node:assert/strict";
import { LobbyClientMessage, LobbyServerMessage } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { Inbox, askForMatch, enterLobby, newUser, type LobbySession } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits in the queue, then loses the connection without a goodbye; returns what `client.reconnect` needs. */
export async function waitThenDrop(session: LobbySession): Promise<string> {
  session.room.send(LobbyClientMessage.Match, {});
  await session.inbox.next(LobbyServerMessage.Queued);
  const token = session.room.reconnectionToken;
  await session.room.leave(false);
  return token;
}

/** A waiting user drops for 5 s while someone else starts waiting; back, they are matched with that one, not queued behind them. */
export async function keepsPlaceThroughDrop(lobbyUrls: [string, string]): Promise<void> {
  const waiter = await enterLobby(await newUser(lobbyUrls[0]));
  const token = await waitThenDrop(waiter);
  const next = await enterLobby(await newUser(lobbyUrls[1]));
  next.room.send(LobbyClientMessage.Match, {});
  await next.inbox.next(LobbyServerMessage.Queued);
  await wait(5000);
  assert.equal(next.inbox.count(LobbyServerMessage.Matched), 0, "nobody is matched with a user who is away");

  const back = await waiter.user.client.reconnect(token);
  const inbox = new Inbox(back);
  const matched = await inbox.next(LobbyServerMessage.Matched, 10_000);
  assert.equal(matched.matchedUser.id, next.user.id, "matched with the one who came while they were away");
  assert.equal((await next.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, waiter.user.id);

  const later = await enterLobby(await newUser(lobbyUrls[1]));
  later.room.send(LobbyClientMessage.Match, {});
  await later.inbox.next(LobbyServerMessage.Queued);
  await Promise.all([back.leave(), next.room.leave(), later.room.leave()]);
}

describe("realtime: a waiting user whose connection drops", function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await bootServer({ RECONNECT_GRACE: "8" });
  });
  after(() => server.stop());

  it("keeps their place through a 5 s drop and is matched with the next user on return, without asking again", async () => {
    await keepsPlaceThroughDrop([server.baseUrl, server.baseUrl]);
  });

  it("is refused on return, and leaves the queue, if banned while away", async () => {
    const waiter = await enterLobby(await newUser(server.baseUrl));
    const token = await waitThenDrop(waiter);
    await server.services.safety.ban(waiter.user.id, new Date(Date.now() + 3600_000), "abuse", "test");
    await assert.rejects(waiter.user.client.reconnect(token), /Banned until/);
    const viewer = await newUser(server.baseUrl);
    const waiting = async () => (await request(server.baseUrl, "GET", "/api/users/stats", { token: viewer.token })).body.data.waiting;
    for (let i = 0; i < 50 && (await waiting()) > 0; i++) await wait(100);
    assert.equal(await waiting(), 0, "taken out of the queue at once, not after the grace");
  });

  it("leaves the queue when the grace runs out", async () => {
    const viewer = await newUser(server.baseUrl);
    const available = async () =>
      (await request(server.baseUrl, "GET", "/api/users/available", { token: viewer.token })).body.data.users.map((u: { id: string }) => u.id);
    const stats = async () => (await request(server.baseUrl, "GET", "/api/users/stats", { token: viewer.token })).body.data;
    const waiter = await enterLobby(await newUser(server.baseUrl));
    await waitThenDrop(waiter);
    assert.deepEqual(await available(), [], "not offered to others while away");
    assert.equal((await stats()).waiting, 1, "but still in the queue");
    await wait(9000);
    assert.equal((await stats()).waiting, 0, "gone once the grace ran out");
    const [x, y] = await Promise.all([newUser(server.baseUrl).then(enterLobby), newUser(server.baseUrl).then(enterLobby)]);
    const [mx, my] = await Promise.all([askForMatch(x), askForMatch(y)]);
    assert.equal(mx.matchedUser.id, y.user.id);
    assert.equal(my.matchedUser.id, x.user.id);
    await Promise.all([x, y].map((s) => s.room.leave()));
  });
});
