import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
// Not the package's index: it imports @colyseus/tools, which loads `.env` and /etc/environment into
// process.env for the whole test run. `boot()` is not needed: the server is started as in production.
import { ColyseusTestServer } from "@colyseus/testing/TestServer";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  RoomName,
  type LobbyServerPayloads,
} from "../../../rooms/protocol.ts";
import type { ChatRoom } from "../../../rooms/ChatRoom.ts";
import { ChatState } from "../../../rooms/state.ts";
import type { PairlineServer } from "../../../src/app.config.ts";
import { registerGuest } from "../../helpers/http.ts";
import { freePort } from "../../helpers/process.ts";
import { Inbox } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

type Matched = LobbyServerPayloads[typeof LobbyServerMessage.Matched];

/** The rooms driven from both ends: `@colyseus/testing` on the server's rooms, typed SDK clients on the wire. */
// The rooms take every message through one "*" handler (budget, then schema), so @colyseus/testing's
// per-type `room.waitForMessage` would bypass them: these tests observe the rooms' clients and state instead.
describe("the lobby and chat rooms under @colyseus/testing", function () {
  let server: TestServer;
  let colyseus: ColyseusTestServer<PairlineServer>;

  before(async () => {
    // ColyseusTestServer addresses the port the server was asked to listen on, so it must be a real one.
    server = await bootServer({ PORT: String(await freePort()), LOG_LEVEL: process.env.DBG ? "debug" : "silent" });
    colyseus = new ColyseusTestServer<PairlineServer>(server.gameServer);
  });
  afterEach(() => colyseus.cleanup());
  after(() => server?.stop());

  /** A guest with a typed client of their own (the test server's `sdk` holds one token at a time). */
  async function guest() {
    const { id, token } = await registerGuest(server.baseUrl);
    const client = new Client<PairlineServer>(server.baseUrl);
    client.auth.token = token;
    return { id, client };
  }

  it("a chat room cannot be opened except through the lobby's hand-off", async () => {
    await assert.rejects(colyseus.createRoom(RoomName.Chat, {}), /opened by the lobby/);
  });

  it("a match request from a typed client pairs the two, and the pair lands in one chat room holding both", async () => {
    const lobby = await colyseus.createRoom(RoomName.Lobby);
    const [alice, bob] = await Promise.all([guest(), guest()]);
    const [aliceLobby, bobLobby] = await Promise.all([
      alice.client.joinById(lobby.roomId),
      bob.client.joinById(lobby.roomId),
    ]);
    const aliceInbox = new Inbox(aliceLobby);
    const bobInbox = new Inbox(bobLobby);

    assert.deepEqual(Array.from(lobby.clients, (client) => client.auth?.id).sort(), [alice.id, bob.id].sort(), "each seat carries the user its token names");

    aliceLobby.send(LobbyClientMessage.Match, { preferences: { interests: ["  Music "] } });
    bobLobby.send(LobbyClientMessage.Match, { preferences: { interests: ["music"] } });
    const [aliceMatch, bobMatch] = await Promise.all([
      aliceInbox.next<Matched>(LobbyServerMessage.Matched),
      bobInbox.next<Matched>(LobbyServerMessage.Matched),
    ]);
    assert.equal(aliceMatch.roomId, bobMatch.roomId);
    assert.equal(aliceMatch.matchedUser.id, bob.id, "interests are compared as the lobby's schema normalised them");

    const [aliceChat, bobChat] = await Promise.all([
      alice.client.consumeSeatReservation(aliceMatch.reservation as any, ChatState),
      bob.client.consumeSeatReservation(bobMatch.reservation as any, ChatState),
    ]);
    const chat = colyseus.getRoomById<ChatRoom>(aliceMatch.roomId);
    assert.equal(chat.roomName, RoomName.Chat);
    assert.deepEqual(Array.from(chat.clients, (client) => client.auth?.id).sort(), [alice.id, bob.id].sort());
    assert.equal(chat.state.participants.get(alice.id)?.connected, true);

    const bobInChat = new Inbox(bobChat);
    aliceChat.send(ChatClientMessage.Message, { type: "text", content: "hello", clientMessageId: "m1" });
    const delivered = await bobInChat.next(ChatServerMessage.Message);
    assert.equal(delivered.content, "hello");
    assert.equal(delivered.from, alice.id);
  });

  it("typed clients see the chat room's state: both participants by id", async () => {
    const [alice, bob] = await Promise.all([guest(), guest()]);
    const aliceLobby = await alice.client.joinOrCreate(RoomName.Lobby);
    const bobLobby = await bob.client.joinOrCreate(RoomName.Lobby);
    assert.equal(aliceLobby.roomId, bobLobby.roomId);
    const [aliceInbox, bobInbox] = [new Inbox(aliceLobby), new Inbox(bobLobby)];
    aliceLobby.send(LobbyClientMessage.Match, {});
    bobLobby.send(LobbyClientMessage.Match, {});
    const [aliceMatch, bobMatch] = await Promise.all([
      aliceInbox.next<Matched>(LobbyServerMessage.Matched),
      bobInbox.next<Matched>(LobbyServerMessage.Matched),
    ]);

    const aliceChat = await alice.client.consumeSeatReservation(aliceMatch.reservation as any, ChatState);
    await bob.client.consumeSeatReservation(bobMatch.reservation as any, ChatState);
    const bothSeated = () => aliceChat.state.participants.size === 2;
    if (!bothSeated()) await new Promise<void>((resolve) => aliceChat.onStateChange(() => bothSeated() && resolve()));
    assert.equal(aliceChat.state.participants.size, 2);
    assert.deepEqual([...aliceChat.state.participants.keys()].sort(), [alice.id, bob.id].sort());
  });
});
