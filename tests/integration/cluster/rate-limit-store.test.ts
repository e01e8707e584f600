import assert from "node:assert/strict";
import { once } from "node:events";
import { Redis } from "ioredis";
import { redisRateLimitStore } from "../../../src/http/redis-rate-limit-store.ts";
import { freePort } from "../../helpers/process.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../../helpers/redis.ts";

describe("rate limits in Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  afterEach(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it("counts hits in one window shared by every store of the same limiter", async () => {
    redis = await startRedis();
    client = redis.client();
    const [a, b] = [redisRateLimitStore(client, "api"), redisRateLimitStore(client, "api")];
    await Promise.all([a.init({ windowMs: 60_000 } as never), b.init({ windowMs: 60_000 } as never)]);
    assert.equal((await a.increment("203.0.113.1")).totalHits, 1);
    assert.equal((await b.increment("203.0.113.1")).totalHits, 2);
    assert.equal((await b.increment("203.0.113.2")).totalHits, 1, "each client has its own count");
    const other = redisRateLimitStore(client, "auth");
    await other.init({ windowMs: 60_000 } as never);
    assert.equal((await other.increment("203.0.113.1")).totalHits, 1, "each limiter too");
  });

  it("starts counting once Redis is back when it was down as the store was made", async () => {
    const port = await freePort();
    client = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null, commandTimeout: 300, retryStrategy: () => 100 });
    client.on("error", () => undefined);
    const store = redisRateLimitStore(client, "upload");
    await store.init({ windowMs: 60_000 } as never);
    await assert.rejects(store.increment("198.51.100.7"));
    redis = await startRedis(port);
    // The client reconnects by itself; once it has, its commands get the time a loaded machine may need (300 ms was for the outage).
    if (client.status !== "ready") await once(client, "ready");
    client.options.commandTimeout = 5000;
    await client.ping();
    // the hit that timed out may still land once Redis is back: counted late rather than never
    const first = (await store.increment("198.51.100.7")).totalHits;
    assert.ok(first >= 1);
    assert.equal((await store.increment("198.51.100.7")).totalHits, first + 1);
  });
});
