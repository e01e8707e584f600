import assert from "node:assert/strict";
import { Client, MatchMakeError } from "@colyseus/sdk";
import { RoomName } from "../../../rooms/protocol.ts";
import { memoryFromNow, processMemory, streamBody } from "../../helpers/attack.ts";
import { registerGuest, request } from "../../helpers/http.ts";
import { spawnServer, type ServerProcess } from "../../helpers/process.ts";
import { tempDir } from "../../helpers/server.ts";

const MB = 1024 * 1024;
const HUGE = 200 * MB;

describe("attack: matchmaking requests cannot exhaust memory or leak stack traces", () => {
  let server: ServerProcess;
  let lobbyUrl: string;
  before(async function () {
    this.timeout(60_000);
    const dir = tempDir();
    server = await spawnServer({ NODE_ENV: "test", DATA_DIR: dir, LOG_DIR: `${dir}/logs`, BCRYPT_COST: "4", RATE_LIMIT_MATCHMAKE_MAX: "100000" });
    lobbyUrl = `${server.baseUrl}/matchmake/joinOrCreate/${RoomName.Lobby}`;
  });
  after(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
  });

  for (const declareLength of [true, false]) {
    it(`a 200 MB body ${declareLength ? "declared in Content-Length" : "sent chunked"} is refused before it is read`, async function () {
      this.timeout(60_000);
      const before = memoryFromNow(server.child.pid!);
      const answer = await streamBody(lobbyUrl, { totalBytes: HUGE, declareLength });
      assert.equal(answer.status, declareLength ? 413 : 411, JSON.stringify(answer.body));
      assert.equal(answer.body.success, false);
      assert.equal(answer.body.code, declareLength ? "PAYLOAD_TOO_LARGE" : "LENGTH_REQUIRED");
      assert.ok(answer.sentBytes < 64 * MB, `the answer came only after ${answer.sentBytes / MB} MB were sent`);
      const grown = processMemory(server.child.pid!).peak - before.rss;
      assert.ok(grown < 32 * MB, `the server's memory peaked ${Math.round(grown / MB)} MB above where it was`);
      assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    });
  }

  it("a multipart body is refused with 415 in the JSON envelope, and nothing is logged as a crash", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(1024, 1)]), "x.bin");
    const res = await fetch(lobbyUrl, { method: "POST", body: form });
    assert.equal(res.status, 415);
    const body = (await res.json()) as { success: boolean; code: string };
    assert.equal(body.success, false);
    assert.equal(body.code, "UNSUPPORTED_MEDIA_TYPE");
    const plain = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { body: "hello", headers: { "content-type": "text/plain" } });
    assert.equal(plain.status, 415);
    const broken = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { body: "{not json" });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.code, "MALFORMED_JSON");
    assert.doesNotMatch(server.output(), /\n\s+at /, "a stack trace was logged");
  });

  it("Colyseus's refusals of a client's mistake arrive as 4xx, the Colyseus code kept in the body and the SDK's error", async () => {
    const noToken = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { body: {} });
    assert.equal(noToken.status, 401);
    assert.deepEqual({ ...noToken.body, message: undefined }, { success: false, message: undefined, code: "UNAUTHORIZED", colyseusCode: 525 });

    const guest = await registerGuest(server.baseUrl);
    const unknownRoom = await request(server.baseUrl, "POST", "/matchmake/joinOrCreate/no-such-room", { body: {}, token: guest.token });
    assert.equal(unknownRoom.status, 404);
    assert.equal(unknownRoom.body.colyseusCode, 520);
    const unknownMethod = await request(server.baseUrl, "POST", `/matchmake/steal/${RoomName.Lobby}`, { body: {}, token: guest.token });
    assert.equal(unknownMethod.status, 404);
    const noRoom = await request(server.baseUrl, "POST", `/matchmake/joinById/abcdefghi`, { body: {}, token: guest.token });
    assert.equal(noRoom.status, 404);
    assert.equal(noRoom.body.colyseusCode, 522);
    const badReconnect = await request(server.baseUrl, "POST", `/matchmake/reconnect/abcdefghi`, { body: { reconnectionToken: "abcdefghi:zzz" }, token: guest.token });
    assert.ok(badReconnect.status >= 400 && badReconnect.status < 500, `reconnect with a made-up token answered ${badReconnect.status}`);

    const client = new Client(server.baseUrl);
    await assert.rejects(client.joinOrCreate(RoomName.Lobby), (error: unknown) => {
      assert.ok(error instanceof MatchMakeError);
      assert.equal(error.code, 401);
      assert.match(error.message, /authentication/i);
      return true;
    });
    client.auth.token = guest.token;
    const lobby = await client.joinOrCreate(RoomName.Lobby);
    await lobby.leave();
    assert.doesNotMatch(server.output(), /\n\s+at /, "a stack trace was logged");
  });
});
