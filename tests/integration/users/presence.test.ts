import { eventually } from "../../helpers/eventually.ts";
import assert from "node:assert/strict";
import { getMessageBytes, Protocol } from "@colyseus/core";
import WebSocket from "ws";
import { LobbyClientMessage, LobbyServerMessage, RoomName } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { askForMatch, enterLobby, newUser, takeSeat, whenClosed, type TestUser } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const ids = (body: { data: { users: Array<{ id: string }> } }) => body.data.users.map((u) => u.id);

/** A lobby connection on a bare socket, so the test can kill it without a close frame. */
async function rawLobby(server: TestServer, user: TestUser): Promise<WebSocket> {
  const seat = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { body: {}, token: user.token });
  const { roomId, processId, sessionId } = seat.body;
  const ws = new WebSocket(
    `${server.baseUrl.replace("http", "ws")}/${processId}/${roomId}?sessionId=${sessionId}&_authToken=${user.token}`,
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.once("message", () => {
      ws.send(Buffer.from([Protocol.JOIN_ROOM]));
      resolve();
    });
  });
  return ws;
}

describe("users: who is online and who is waiting", () => {
  let server: TestServer;
  let viewer: TestUser;
  const online = async () => ids((await request(server.baseUrl, "GET", "/api/users/online?limit=100", { token: viewer.token })).body);
  const available = async () => ids((await request(server.baseUrl, "GET", "/api/users/available", { token: viewer.token })).body);
  const stats = async () => (await request(server.baseUrl, "GET", "/api/users/stats", { token: viewer.token })).body.data;

  before(async () => {
    server = await bootServer({ PRESENCE_LEASE_SECONDS: "2", PRESENCE_GRACE_MS: "500" });
    viewer = await newUser(server.baseUrl);
  });
  after(() => server.stop());

  it("online and available lists follow connects, matches and disconnects", async () => {
    const [a, b] = await Promise.all([newUser(server.baseUrl), newUser(server.baseUrl)]);
    assert.deepEqual(await online(), []);
    const lobbyA = await enterLobby(a);
    assert.deepEqual(await online(), [a.id]);
    assert.equal((await stats()).online, 1);
    lobbyA.room.send(LobbyClientMessage.Match, {});
    await lobbyA.inbox.next(LobbyServerMessage.Queued);
    assert.deepEqual(await available(), [a.id]);
    assert.equal((await stats()).waiting, 1);

    const lobbyB = await enterLobby(b);
    const [ma, mb] = await Promise.all([lobbyA.inbox.next(LobbyServerMessage.Matched), askForMatch(lobbyB)]);
    assert.deepEqual(await available(), []);
    const [chatA, chatB] = await Promise.all([takeSeat(lobbyA, ma), takeSeat(lobbyB, mb)]);
    assert.deepEqual((await online()).sort(), [a.id, b.id].sort(), "still online while in the chat room");
    // Chat counts are shared totals each process updates at most once a second.
    await eventually(async () => (await stats()).inChat === 2, 5000, "both are counted in the chat");
    const during = await stats();
    assert.equal(during.inChat, 2);
    assert.equal(during.activeChats, 1);
    assert.ok(during.matchesLastHour >= 1);
    assert.ok(during.registered >= 3);

    await Promise.all([chatA.room.leave(), chatB.room.leave()]);
    await eventually(async () => (await online()).length === 0, 5000, "both offline after leaving");
    // The store hears of it after the online table: its writes of one turn share one commit, made in the next.
    await eventually(async () => (await server.services.users.findById(a.id))?.isOnline === false, 2000, "recorded offline in the store");
    const stored = await server.services.users.findById(a.id);
    assert.ok(stored?.lastSeen, "lastSeen is kept");
    await eventually(async () => (await stats()).activeChats === 0, 5000, "the chat room is gone");
  });

  it("a client killed without a close frame leaves the online list and the queue", async () => {
    const user = await newUser(server.baseUrl);
    const ws = await rawLobby(server, user);
    ws.send(getMessageBytes.raw(Protocol.ROOM_DATA, LobbyClientMessage.Match, {}));
    await eventually(async () => (await available()).includes(user.id), 5000, "queued");
    assert.ok((await online()).includes(user.id));
    const closed = whenClosed(ws);
    (ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await closed;
    await eventually(async () => !(await available()).includes(user.id), 2000, "out of the queue");
    await eventually(async () => !(await online()).includes(user.id), 4000, "offline once the grace is over");
  });

  it("pages are bounded and validated", async () => {
    const res = await request(server.baseUrl, "GET", "/api/users/online?limit=1000", { token: viewer.token });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, "query.limit");
    const unauthenticated = await request(server.baseUrl, "GET", "/api/users/online");
    assert.equal(unauthenticated.status, 401);
  });

  it("1,000 users coming online cost each other nothing: no one is sent anything when another connects", async function () {
    this.timeout(120_000);
    const watchers = await Promise.all(Array.from({ length: 10 }, () => newUser(server.baseUrl).then(enterLobby)));
    await Promise.all(watchers.map((w) => w.inbox.next(LobbyServerMessage.ConnectionEstablished)));
    const received = () => watchers.map((w) => w.inbox.counts());
    const before = received();
    const others = [];
    for (let i = 0; i < 990; i += 55) {
      others.push(...(await Promise.all(Array.from({ length: Math.min(55, 990 - i) }, () => newUser(server.baseUrl).then(enterLobby)))));
    }
    const welcome = await Promise.all(others.map((s) => s.inbox.next(LobbyServerMessage.ConnectionEstablished)));
    assert.equal((await stats()).online, 1000);
    assert.equal(Math.max(...welcome.map((w) => w.online)), 1000);
    assert.deepEqual(received(), before, "the first ten got nothing while 990 more connected");
    for (const session of others) {
      assert.equal(session.inbox.count(LobbyServerMessage.ConnectionEstablished), 1, "each newcomer gets exactly its welcome");
    }
    await Promise.all([...watchers, ...others].map((s) => s.room.leave()));
  });
});

describe("users: a lone process starts with nobody online", () => {
  it("users stored online when the process stopped are offline when it starts again", async () => {
    const first = await bootServer({ PRESENCE_GRACE_MS: "60000" }, { keepData: true });
    let second: TestServer | undefined;
    try {
      const user = await newUser(first.baseUrl);
      await enterLobby(user);
      await eventually(async () => (await first.services.users.findById(user.id))?.isOnline === true, 5000, "stored online");
      await first.stop(); // within the grace: nobody declared the user offline
      second = await bootServer({ DATA_DIR: first.dataDir });
      const stored = await second.services.users.findById(user.id);
      assert.equal(stored?.isOnline, false);
      assert.ok(stored?.lastSeen, "when they were last seen is kept");
    } finally {
      await second?.stop();
    }
  });
});
