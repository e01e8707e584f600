import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { MemoryLobbySessions, RedisLobbySessions, type LobbySessions } from "../../src/presence/lobby-sessions.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";

function lobbySessionsContract(open: () => Promise<LobbySessions>): void {
  const session = (name: string) => ({ lobbyId: `lobby-${name}`, sessionId: name });

  it("a claim returns the session it replaces; a release forgets only the user's current session", async () => {
    const sessions = await open();
    assert.equal(await sessions.claim("u", session("a")), null);
    assert.equal(await sessions.claim("u", session("a")), null, "the same session again replaces nothing");
    assert.deepEqual(await sessions.claim("u", session("b")), session("a"));
    await sessions.release("u", "a"); // the replaced window leaves: b stays the user's lobby
    assert.deepEqual(await sessions.claim("u", session("c")), session("b"));
    await sessions.release("u", "c");
    assert.equal(await sessions.claim("u", session("d")), null);
    assert.equal(await sessions.claim("other", session("e")), null, "users do not share");
  });
}

describe("Lobby sessions contract: in memory", () => {
  lobbySessionsContract(async () => new MemoryLobbySessions());
});

describe("Lobby sessions contract: Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis;
  let client: Redis;
  before(async () => {
    redis = await startRedis();
    client = redis.client();
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  lobbySessionsContract(async () => {
    await client.flushall();
    return new RedisLobbySessions(client);
  });
});
