import assert from "node:assert/strict";
import { MemoryLobbySessions, RedisLobbySessions, type LobbySessions } from "../../src/presence/lobby-sessions.ts";
import { privateRedis } from "../helpers/redis.ts";

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
  const redis = privateRedis(this.ctx);
  lobbySessionsContract(async () => {
    await redis.client.flushall();
    return new RedisLobbySessions(redis.client);
  });
});
