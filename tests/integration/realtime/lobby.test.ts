import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { bootServer, type TestServer } from "../../helpers/server.ts";
import {
  askForMatch,
  chattingPair,
  enterLobby,
  newUser,
  say,
  takeSeat,
  whenLeft,
  type LobbySession,
} from "../../helpers/realtime.ts";
import { ChatClientMessage, ChatServerMessage, LobbyClientMessage, LobbyServerMessage, RoomName } from "../../../rooms/protocol.ts";

describe("realtime: the lobby", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer();
  });
  after(async () => {
    await server.stop();
  });

  it("greets a user with who they are and how many are online", async () => {
    const session = await enterLobby(await newUser(server.baseUrl));
    const hello = await session.inbox.next(LobbyServerMessage.ConnectionEstablished);
    assert.equal(hello.userId, session.user.id);
    assert.equal(hello.username, session.user.username);
    assert.ok(hello.online >= 1);
    await session.room.leave();
  });

  it("marks a user online while connected and offline after", async () => {
    const user = await newUser(server.baseUrl);
    const session = await enterLobby(user);
    await session.inbox.next(LobbyServerMessage.ConnectionEstablished);
    assert.equal((await server.services.users.findById(user.id))?.isOnline, true);
    await session.room.leave();
    // Offline once PRESENCE_GRACE_MS (kept for a move from the lobby to a chat) is over.
    for (let i = 0; i < 400 && (await server.services.users.findById(user.id))?.isOnline; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const stored = await server.services.users.findById(user.id);
    assert.equal(stored?.isOnline, false);
    assert.ok(stored?.lastSeen instanceof Date);
  });

  it("a third user can neither join a pair's chat nor create a chat room", async () => {
    const [a] = await chattingPair(server.baseUrl);
    const intruder = await newUser(server.baseUrl);
    await assert.rejects(intruder.client.joinById(a.room.roomId), (error: any) => typeof error.code === "number");
    await assert.rejects(intruder.client.create(RoomName.Chat, { pairKey: "guess" }), /opened by the lobby/);
    await assert.rejects(intruder.client.joinOrCreate(RoomName.Chat), /opened by the lobby/);
    await say(a, "still just us");
  });

  it("chat:leave ends the chat for both, and the two are not paired with each other again at once", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const aLeft = whenLeft(a.room);
    const bLeft = whenLeft(b.room);
    a.room.send(ChatClientMessage.Leave);
    const notice = await b.inbox.next(ChatServerMessage.PartnerLeft);
    assert.deepEqual(notice, { userId: a.user.id, reason: "left" });
    await Promise.all([aLeft, bLeft]);

    const [lobbyA, lobbyB] = await Promise.all([enterLobby(a.user), enterLobby(b.user)]);
    const matchA = askForMatch(lobbyA);
    const matchB = askForMatch(lobbyB);
    await Promise.all([lobbyA.inbox.next(LobbyServerMessage.Queued), lobbyB.inbox.next(LobbyServerMessage.Queued)]);

    const c = await enterLobby(await newUser(server.baseUrl));
    const d = await enterLobby(await newUser(server.baseUrl));
    const [mc, md] = await Promise.all([askForMatch(c), askForMatch(d)]);
    const [ma, mb] = await Promise.all([matchA, matchB]);
    const partners = new Map([
      [a.user.id, ma.matchedUser.id],
      [b.user.id, mb.matchedUser.id],
      [c.user.id, mc.matchedUser.id],
      [d.user.id, md.matchedUser.id],
    ]);
    assert.notEqual(partners.get(a.user.id), b.user.id);
    assert.notEqual(partners.get(b.user.id), a.user.id);
    for (const [user, partner] of partners) assert.equal(partners.get(partner), user);
    await Promise.all([lobbyA, lobbyB, c, d].map((s) => s.room.leave()));
  });

  it("a second lobby window replaces the first, which is told and closed, and nobody is paired with themselves", async () => {
    const user = await newUser(server.baseUrl);
    const first = await enterLobby(user);
    first.room.send(LobbyClientMessage.Match, {});
    await first.inbox.next(LobbyServerMessage.Queued);
    const firstClosed = new Promise<number>((resolve) => first.room.onLeave((code) => resolve(code)));
    const second = await enterLobby(user);
    await first.inbox.next(LobbyServerMessage.SessionReplaced);
    assert.equal(await firstClosed, 4000);

    second.room.send(LobbyClientMessage.Match, {});
    await second.inbox.next(LobbyServerMessage.Queued);
    const other = await enterLobby(await newUser(server.baseUrl));
    const matched = await askForMatch(other);
    assert.equal(matched.matchedUser.id, user.id);
    assert.equal((await second.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, other.user.id);
    assert.equal(first.inbox.pending(LobbyServerMessage.Matched).length, 0);
    await Promise.all([second, other].map((s) => s.room.leave()));
  });

  it("user:cancel takes a user out of the queue", async () => {
    const quitter = await enterLobby(await newUser(server.baseUrl));
    quitter.room.send(LobbyClientMessage.Match, {});
    await quitter.inbox.next(LobbyServerMessage.Queued);
    quitter.room.send(LobbyClientMessage.Cancel);
    const [x, y] = await Promise.all([newUser(server.baseUrl).then(enterLobby), newUser(server.baseUrl).then(enterLobby)]);
    const [mx, my] = await Promise.all([askForMatch(x), askForMatch(y)]);
    assert.equal(mx.matchedUser.id, y.user.id);
    assert.equal(my.matchedUser.id, x.user.id);
    assert.equal(quitter.inbox.pending(LobbyServerMessage.Matched).length, 0);
    await Promise.all([quitter, x, y].map((s) => s.room.leave()));
  });

  it("200 users asking at once form 100 distinct pairs with nobody twice", async function () {
    this.timeout(60_000);
    const users = await Promise.all(Array.from({ length: 200 }, () => newUser(server.baseUrl)));
    const sessions: LobbySession[] = await Promise.all(users.map(enterLobby));
    const matches = await Promise.all(sessions.map((s) => askForMatch(s)));
    const partnerOf = new Map(sessions.map((s, i) => [s.user.id, matches[i]!.matchedUser.id]));
    const rooms = new Map<string, number>();
    for (const [i, s] of sessions.entries()) {
      const partner = partnerOf.get(s.user.id)!;
      assert.notEqual(partner, s.user.id);
      assert.equal(partnerOf.get(partner), s.user.id, "pairing is mutual");
      rooms.set(matches[i]!.roomId, (rooms.get(matches[i]!.roomId) ?? 0) + 1);
    }
    assert.equal(rooms.size, 100);
    assert.ok([...rooms.values()].every((n) => n === 2));
    const [first] = await Promise.all([takeSeat(sessions[0]!, matches[0]!)]);
    assert.equal(first.partner.id, partnerOf.get(sessions[0]!.user.id));
    await Promise.all(sessions.slice(1).map((s) => s.room.leave()));
  });
});

describe("realtime: joining needs a valid token", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer();
  });
  after(async () => {
    await server.stop();
  });

  it("no token, a forged token and an expired token are refused with a clear error", async () => {
    const client = new Client(server.baseUrl);
    await assert.rejects(client.joinOrCreate(RoomName.Lobby), (e: any) => e.code === 401);

    const real = await newUser(server.baseUrl);
    const [header, body] = real.token.split(".");
    client.auth.token = `${header}.${body}.${"A".repeat(43)}`;
    await assert.rejects(client.joinOrCreate(RoomName.Lobby), (e: any) => e.code === 401);

    const user = await server.services.users.findById(real.id);
    client.auth.token = server.services.tokens.sign(user!, -60);
    await assert.rejects(client.joinOrCreate(RoomName.Lobby), (e: any) => e.code === 401 && /expired/i.test(e.message));

    client.auth.token = real.token;
    const lobby = await client.joinOrCreate(RoomName.Lobby);
    await lobby.leave();
  });
});
