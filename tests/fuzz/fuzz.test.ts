import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { Client } from "@colyseus/sdk";
import type WebSocket from "ws";
import { routeDocs } from "../../src/http/app.ts";
import { ChatClientMessage, ChatServerMessage, LobbyClientMessage, RoomName, type SeatReservation } from "../../rooms/protocol.ts";
import { until } from "../helpers/attack.ts";
import { registerGuest, request } from "../helpers/http.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { askForMatch, chattingPair, enterLobby, newUser, rawSeat, say, takeSeat, type ChatSide } from "../helpers/realtime.ts";
import { tempDir } from "../helpers/server.ts";
import { CONTENT_TYPES, latin1, prng, randomBody, randomFrame, randomString, type FrameMix, type Rng } from "./generators.ts";

/**
 * Random and malformed input against a real server process: room frames to a lobby
 * and to a chat, and requests to every REST route. `FUZZ_SEED` replays a run,
 * `FUZZ_ITERATIONS` sets how many frames and requests of each kind, `FUZZ_LONG=1`
 * runs 20,000 of each.
 */
// npm test replays one fixed seed so CI is repeatable; FUZZ_LONG=1 explores a fresh one each run.
const SEED = Number(process.env.FUZZ_SEED ?? (process.env.FUZZ_LONG === "1" ? randomInt(2 ** 31) : 556916636));
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? (process.env.FUZZ_LONG === "1" ? 20_000 : 1200));
/** Every this many fuzzed frames, the pair chatting alongside exchanges a message. */
const ALONGSIDE_EVERY = 50;

const LOBBY_MIX: FrameMix = { types: Object.values(LobbyClientMessage), closingShare: 0.04 };
const CHAT_MIX: FrameMix = {
  types: Object.values(ChatClientMessage).filter((type) => type !== ChatClientMessage.Leave),
  closingShare: 0.005,
};

/** Sends a frame, then lets this process's other sockets (the SDK clients, HTTP) have their turn; false if the server closed it. */
async function send(ws: WebSocket, frame: Buffer): Promise<boolean> {
  if (ws.readyState !== ws.OPEN) return false;
  ws.send(frame);
  await new Promise((resolve) => setImmediate(resolve));
  if (ws.bufferedAmount > 256 * 1024) await until(() => ws.bufferedAmount < 64 * 1024 || ws.readyState !== ws.OPEN, 30_000, "the fuzzer's socket to drain");
  return true;
}

describe(`fuzz: seed ${SEED}, ${ITERATIONS} of each (replay with FUZZ_SEED=${SEED})`, function () {
  this.timeout(600_000);
  let server: ServerProcess;
  let alongside: [ChatSide, ChatSide];
  let said = 0;

  before(async () => {
    const dir = tempDir();
    server = await spawnServer({
      NODE_ENV: "test",
      DATA_DIR: dir,
      LOG_DIR: `${dir}/logs`,
      LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? "warn",
      BCRYPT_COST: "4",
      RATE_LIMIT_AUTH_MAX: "1000000",
      RATE_LIMIT_API_MAX: "1000000",
      RATE_LIMIT_UPLOAD_MAX: "1000000",
      RATE_LIMIT_MATCHMAKE_MAX: "1000000",
      RATE_LIMIT_ROOM_MESSAGES: "1000000",
      PASSWORD_HASH_QUEUE: "1000",
      // A fuzzed lobby socket that drops keeps its queue place for the grace; keep those places short-lived.
      RECONNECT_GRACE: "2",
    });
    alongside = await chattingPair(server.baseUrl);
  });
  after(async () => {
    if (process.env.FUZZ_DUMP) (await import("node:fs")).writeFileSync(process.env.FUZZ_DUMP, server?.output() ?? "");
    server?.child.kill("SIGKILL");
    await server?.exited;
  });

  /** The pair chatting alongside: each message must be acknowledged and reach the partner. */
  async function chatAlongside(): Promise<void> {
    const [a] = alongside;
    await say(a, `alongside ${said}`, `al${said}`);
    said += 1;
  }

  function assertAlive(): void {
    assert.equal(server.child.exitCode, null, `the server exited:\n${server.output().slice(-3000)}`);
  }

  it("room frames to a lobby: no crash, the chat alongside loses nothing", async () => {
    const rng = prng(SEED);
    const guest = await registerGuest(server.baseUrl);
    const seat = async () => {
      const res = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { token: guest.token, body: {} });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return rawSeat(server.baseUrl, res.body as SeatReservation, guest.token);
    };
    let ws = await seat();
    let reopened = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      if (!(await send(ws, randomFrame(rng, LOBBY_MIX)))) {
        assertAlive();
        ws = await seat();
        reopened += 1;
      }
      if (i % ALONGSIDE_EVERY === 0) await chatAlongside();
    }
    ws.close();
    assertAlive();
    // The fuzzer may have queued with odd preferences; take its place back and cancel it, as a user would.
    const client = new Client(server.baseUrl);
    client.auth.token = guest.token;
    const lobby = await enterLobby({ ...guest, client });
    lobby.room.send(LobbyClientMessage.Cancel);
    for (let tries = 0; tries < 100; tries++) {
      const stats = await request(server.baseUrl, "GET", "/api/users/stats", { token: guest.token });
      if (stats.body.data?.waiting === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await lobby.room.leave();
    assert.ok(reopened < ITERATIONS / 5, `the lobby closed the fuzzer ${reopened} times`);
  });

  it("room frames to a chat: no crash, the chat alongside loses nothing", async () => {
    const rng = prng(SEED + 1);
    const openChat = async (): Promise<{ ws: WebSocket; partner: ChatSide }> => {
      const [fuzzer, partner] = await Promise.all([newUser(server.baseUrl).then(enterLobby), newUser(server.baseUrl).then(enterLobby)]);
      const [mf, mp] = await Promise.all([askForMatch(fuzzer), askForMatch(partner)]);
      const ws = await rawSeat(server.baseUrl, mf.reservation as SeatReservation, fuzzer.user.token);
      await fuzzer.room.leave();
      return { ws, partner: await takeSeat(partner, mp) };
    };
    let chat = await openChat();
    for (let i = 0; i < ITERATIONS; i++) {
      if (!(await send(chat.ws, randomFrame(rng, CHAT_MIX)))) {
        assertAlive();
        await chat.partner.room.leave().catch(() => undefined);
        chat = await openChat();
      }
      if (i % ALONGSIDE_EVERY === 0) await chatAlongside();
    }
    chat.ws.close();
    assertAlive();
  });

  it("requests to every REST route: no crash, no 5xx", async () => {
    const rng = prng(SEED + 2);
    const { token } = await registerGuest(server.baseUrl);
    const routes = routeDocs.map((route) => ({ method: route.method as string, path: route.path }));
    const fill = (path: string, r: Rng) =>
      path.replace(/:(\w+)/g, (_m, name: string) =>
        encodeURIComponent((name === "method" ? r.pick(["joinOrCreate", "create", "join", "joinById", "reconnect", randomString(r)]) : name === "roomName" ? r.pick([RoomName.Lobby, RoomName.Chat, randomString(r)]) : r.chance(0.3) ? "1" : randomString(r)).toWellFormed()),
      );
    const failures: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < ITERATIONS) {
        sent += 1;
        const route = rng.pick(routes);
        const method = rng.chance(0.9) ? route.method : rng.pick(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]);
        const headers: Record<string, string> = {};
        const contentType = rng.pick(CONTENT_TYPES);
        if (contentType) headers["content-type"] = contentType;
        if (rng.chance(0.5)) headers.authorization = rng.chance(0.6) ? `Bearer ${token}` : rng.pick([`Bearer ${latin1(randomString(rng).slice(0, 200))}`, "Basic YWRtaW46YWRtaW4=", latin1(randomString(rng).slice(0, 100)), "Bearer "]);
        if (rng.chance(0.2)) headers["x-forwarded-for"] = rng.pick(["1.2.3.4", "::1", "not-an-ip", "1.2.3.4, 5.6.7.8"]);
        if (rng.chance(0.1)) headers.origin = rng.pick(["https://evil.example", "null", latin1(randomString(rng).slice(0, 50))]);
        if (rng.chance(0.1)) headers.range = rng.pick(["bytes=0-10", "bytes=-5", "bytes=99999999-", "bytes=a-b"]);
        const body = method === "GET" || method === "HEAD" ? undefined : randomBody(rng);
        const path = fill(route.path, rng) + (rng.chance(0.1) ? `?${encodeURIComponent(randomString(rng).slice(0, 50).toWellFormed())}=${encodeURIComponent(randomString(rng).slice(0, 50).toWellFormed())}` : "");
        try {
          const res = await fetch(server.baseUrl + path, { method, headers, body });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${res.status} ${method} ${route.path}`);
        } catch (error) {
          failures.push(`${method} ${route.path}: ${String(error)}`);
        }
        if (sent % ALONGSIDE_EVERY === 0) await chatAlongside();
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    assertAlive();
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} requests failed`);
  });

  it("the chat alongside got every message, and no room handler failed", async () => {
    const [, b] = alongside;
    await b.inbox.until(() => b.inbox.count(ChatServerMessage.Message) >= said, 10_000);
    assert.equal(b.inbox.count(ChatServerMessage.Message), said);
    assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    const failures = server.output().split("\n").filter((line) => /Room handler failed|Unhandled error/.test(line));
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} handler failures logged`);
  });
});
