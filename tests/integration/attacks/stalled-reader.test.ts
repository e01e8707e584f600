import assert from "node:assert/strict";
import { Protocol } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import type WebSocket from "ws";
import { ChatServerMessage, LobbyClientMessage, LobbyServerMessage, RoomName, type SeatReservation } from "../../../rooms/protocol.ts";
import { memoryFromNow, processMemory, roomFrame, until } from "../../helpers/attack.ts";
import { registerGuest, request } from "../../helpers/http.ts";
import { spawnServer, type ServerProcess } from "../../helpers/process.ts";
import { Inbox, rawSeat, say, whenClosed, type ChatSide } from "../../helpers/realtime.ts";
import { tempDir } from "../../helpers/server.ts";

const MB = 1024 * 1024;
/** A request for a type no room answers: Colyseus replies with an error naming the type, as long as the frame. */
const AMPLIFYING = roomFrame(Protocol.ROOM_REQUEST, "x".repeat(30_000), new Uint8Array([0xc0]), 1);
/** A request whose msgpack payload stops halfway: Colyseus logs a stack trace for each. */
const TRUNCATED = roomFrame(Protocol.ROOM_REQUEST, "lobby:match", new Uint8Array([0x81, 0xab, 0x70, 0x72]), 2);

async function seatFor(server: ServerProcess, path: string, token: string): Promise<SeatReservation> {
  const res = await request(server.baseUrl, "POST", path, { token, body: {} });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Sends `frame` up to `count` times, as fast as the socket takes them, until the server cuts the connection. */
async function flood(ws: WebSocket, frame: Buffer, count: number): Promise<number> {
  let sent = 0;
  while (sent < count && ws.readyState === ws.OPEN) {
    ws.send(frame);
    sent += 1;
    if (ws.bufferedAmount > 2 * MB) await until(() => ws.bufferedAmount < MB || ws.readyState !== ws.OPEN, 20_000, "the socket to drain");
  }
  return sent;
}

/** What the server logged about frames that did not decode. */
const decodeFailures = (server: ServerProcess) => server.output().split("\n").filter((line) => /Unexpected end of MessagePack/.test(line)).length;

describe("attack: a client that stops reading while flooding the server", () => {
  let server: ServerProcess;
  before(async function () {
    this.timeout(60_000);
    const dir = tempDir();
    server = await spawnServer({
      NODE_ENV: "test",
      DATA_DIR: dir,
      LOG_DIR: `${dir}/logs`,
      LOG_CONSOLE: "true",
      BCRYPT_COST: "4",
      OUTPUT_BUFFER_BYTES: String(256 * 1024),
      RATE_LIMIT_AUTH_MAX: "100000",
      RATE_LIMIT_MATCHMAKE_MAX: "100000",
    });
  });
  after(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
  });

  it("in the lobby: its replies stay within the output bound, it is cut off, and its log lines are bounded", async function () {
    this.timeout(120_000);
    const before = memoryFromNow(server.child.pid!);
    const guest = await registerGuest(server.baseUrl);
    const ws = await rawSeat(server.baseUrl, await seatFor(server, `/matchmake/joinOrCreate/${RoomName.Lobby}`, guest.token), guest.token);
    (ws as any)._socket.pause();
    const closed = whenClosed(ws);

    await flood(ws, TRUNCATED, 2000);
    await flood(ws, AMPLIFYING, 4000);
    (ws as any)._socket.resume();
    assert.equal(await closed, 1006, "the server cut the connection");

    const grown = processMemory(server.child.pid!).peak - before.rss;
    assert.ok(grown < 64 * MB, `the server's memory peaked ${Math.round(grown / MB)} MB above where it was`);
    await until(() => /Dropped log lines/.test(server.output()), 10_000, "the summary of dropped log lines");
    assert.ok(decodeFailures(server) <= 20, `${decodeFailures(server)} lines logged for one connection's bad frames`);
    assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
  });

  it("in a chat: the flooder is cut off and its partner's chat goes on, every message acknowledged", async function () {
    this.timeout(120_000);
    const before = memoryFromNow(server.child.pid!);
    const [flooder, partner] = await Promise.all([registerGuest(server.baseUrl), registerGuest(server.baseUrl)]);
    const client = new Client(server.baseUrl);
    client.auth.token = partner.token;
    const partnerLobby = await client.joinOrCreate(RoomName.Lobby);
    const partnerLobbyInbox = new Inbox(partnerLobby);
    const flooderLobby = await rawSeat(server.baseUrl, await seatFor(server, `/matchmake/joinOrCreate/${RoomName.Lobby}`, flooder.token), flooder.token);
    const flooderMatched = new Promise<any>((resolve) =>
      flooderLobby.on("message", (data: Buffer) => {
        const text = data.toString("latin1");
        if (data[0] === Protocol.ROOM_DATA && text.includes(LobbyServerMessage.Matched)) resolve(data);
      }),
    );
    flooderLobby.send(roomFrame(Protocol.ROOM_DATA, LobbyClientMessage.Match, new Uint8Array([0x80])));
    partnerLobby.send(LobbyClientMessage.Match, {});
    const matched = await partnerLobbyInbox.next(LobbyServerMessage.Matched, 20_000);
    const side: ChatSide = {
      user: { ...partner, client },
      room: await client.consumeSeatReservation(matched.reservation),
      inbox: undefined as any,
      partner: matched.matchedUser,
    };
    side.inbox = new Inbox(side.room);
    const frame: Buffer = await flooderMatched;
    const { unpack } = await import("msgpackr");
    const typeLength = frame[1]! & 0x1f;
    const flooderSeat = (unpack(frame.subarray(2 + typeLength)) as { reservation: SeatReservation }).reservation;
    const ws = await rawSeat(server.baseUrl, flooderSeat, flooder.token);
    flooderLobby.terminate();
    (ws as any)._socket.pause();
    const closed = whenClosed(ws);

    // The partner stays quiet during the flood: a relay to the flooder would trip the chat's own check first.
    await flood(ws, AMPLIFYING, 4000);
    (ws as any)._socket.resume();
    assert.equal(await closed, 1006, "the server cut the flooder's connection");
    const grown = processMemory(server.child.pid!).peak - before.rss;
    assert.ok(grown < 64 * MB, `the server's memory peaked ${Math.round(grown / MB)} MB above where it was`);
    await side.inbox.next(ChatServerMessage.PartnerDisconnected, 10_000);
    for (let i = 0; i < 5; i++) await say(side, `still here ${i}`, `m${i}`);
    await side.room.leave();
  });
});
