import assert from "node:assert/strict";
import { once } from "node:events";
import { Redis } from "ioredis";
import { FLUSH_EVERY_MS, redisRateLimitStore } from "../../../src/http/redis-rate-limit-store.ts";
import { freePort } from "../../helpers/process.ts";
import { redisCostOf, totalCommands } from "../../helpers/redis-cost.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../../helpers/redis.ts";

describe("rate limits in Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  let others: Redis[] = [];
  afterEach(async () => {
    client?.disconnect();
    for (const other of others) other.disconnect();
    others = [];
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

  it("refuses a flood spread over two processes close to the limit, for a Redis command per batch of hits", async () => {
    redis = await startRedis();
    client = redis.client();
    others = [redis.client(), redis.client()];
    const limit = 1000;
    const [a, b] = others.map((connection) => redisRateLimitStore(connection, "api"));
    for (const store of [a!, b!]) store.init({ windowMs: 60_000, limit } as never);
    const flooder = "198.51.100.9";
    let admitted = 0;
    const cost = await redisCostOf(client, async () => {
      // 3,000 hits, 20 per process and turn, as fast as the stores answer
      for (let turn = 0; turn < 75; turn++) {
        const counts = await Promise.all([a!, b!].flatMap((store) => Array.from({ length: 20 }, () => store.increment(flooder))));
        admitted += counts.filter(({ totalHits }) => totalHits <= limit).length;
      }
      await Promise.all([a!.flush(), b!.flush()]);
    });
    assert.ok(admitted >= limit, `${admitted} admitted: every hit below the limit passes`);
    assert.ok(admitted <= limit * 1.1, `${admitted} admitted: past the limit by at most 5% of it per process`);
    const counted = Number(await client.hget((await client.keys("pairline:rl:api:*"))[0]!, flooder));
    assert.equal(counted, 3000, "every hit is counted in Redis");
    assert.ok(totalCommands(cost) <= 3000 / 10, `${totalCommands(cost)} commands for 3,000 hits`);
  });

  it("sends the hits it holds within the flush interval, so another process sees them", async () => {
    redis = await startRedis();
    client = redis.client();
    others = [redis.client(), redis.client()];
    const [a, b] = others.map((connection) => redisRateLimitStore(connection, "api"));
    for (const store of [a!, b!]) store.init({ windowMs: 60_000, limit: 100 } as never);
    for (let i = 0; i < 4; i++) await a!.increment("203.0.113.5");
    await new Promise((resolve) => setTimeout(resolve, FLUSH_EVERY_MS * 3));
    assert.equal((await b!.increment("203.0.113.5")).totalHits, 5);
    assert.equal((await a!.get("203.0.113.5"))?.totalHits, 5);
  });
});
