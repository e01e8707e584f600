import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { localPairHandoff, redisPairHandoff } from "../../src/matchmaking/handoff.ts";
import { LocalQueueData, LocalWaitingQueue } from "../../src/matchmaking/local-queue.ts";
import { RedisWaitingQueue } from "../../src/matchmaking/redis-queue.ts";
import assert from "node:assert/strict";
import { queueEntry } from "../helpers/queue.ts";
import { redisCostOf, totalCommands } from "../helpers/redis-cost.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";
import { pairHandoffContract, testQueueOptions, waitingQueueContract } from "./matching.contract.ts";

describe("WaitingQueue contract: local", () => {
  waitingQueueContract(() => {
    const data = new LocalQueueData();
    return { process: (options) => new LocalWaitingQueue(testQueueOptions(options), data) };
  });
});

describe("PairHandoff contract: local", () => {
  pairHandoffContract(localPairHandoff);
});

describe("WaitingQueue and PairHandoff contracts: Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  describe("WaitingQueue", () => {
    waitingQueueContract(() => {
      const prefix = `test:${randomUUID()}:`;
      return {
        process(options) {
          const client = redis.client();
          clients.push(client);
          return new RedisWaitingQueue(client, testQueueOptions(options), { prefix, onClose: async () => client.disconnect() });
        },
      };
    });
  });

  /** The Redis commands `work` makes on a fresh queue whose scripts are loaded already. */
  async function queueCostOf(work: (queue: RedisWaitingQueue) => Promise<void>) {
    const client = redis.client();
    const probe = redis.client();
    clients.push(client, probe);
    const queue = new RedisWaitingQueue(client, testQueueOptions(), { prefix: `test:${randomUUID()}:` });
    await queue.matchWaiting();
    return redisCostOf(probe, () => work(queue));
  }

  it("pairs and hands off two users who ask nothing with 10 index writes and no bucket count", async () => {
    const cost = await queueCostOf(async (queue) => {
      await queue.enqueue([queueEntry("plain-a")]);
      const { pairs } = await queue.enqueue([queueEntry("plain-b")]);
      assert.equal(pairs.length, 1);
      await queue.confirm(pairs[0]!);
    });
    // the one who waits enters 3 buckets and leaves them at the claim, has a lease and a claim deadline,
    // each added and removed; the newcomer paired at once is written nowhere (its process holds the claim)
    assert.equal((cost.commands.zadd ?? 0) + (cost.commands.zrem ?? 0), 10, JSON.stringify(cost.commands));
    assert.equal(cost.commands.hset, 2, "the one who waits is written twice (queued, claimed), the newcomer never");
    assert.equal(cost.commands.zcard, undefined, "one who asks nothing has one group of buckets to look in");
  });

  it("confirms a pair it claimed without reading their records, and leaves nothing of theirs behind", async () => {
    const client = redis.client();
    const probe = redis.client();
    clients.push(client, probe);
    const prefix = `test:${randomUUID()}:`;
    const queue = new RedisWaitingQueue(client, testQueueOptions(), { prefix });
    await queue.enqueue([queueEntry("shy", { avoidUserIds: ["someone"] })]);
    const { pairs } = await queue.enqueue([queueEntry("bold")]);
    assert.equal(pairs.length, 1);
    const cost = await redisCostOf(probe, () => queue.confirm(pairs[0]!));
    assert.equal(cost.commands.hget, undefined, JSON.stringify(cost.commands));
    assert.deepEqual(await probe.keys(`${prefix}*`), [], "no record, lease, claim nor avoid set left");
  });

  it("pairs and hands off two newcomers of one batch writing nothing to the queue", async () => {
    const cost = await queueCostOf(async (queue) => {
      const { pairs } = await queue.enqueue([queueEntry("batch-a"), queueEntry("batch-b")]);
      assert.equal(pairs.length, 1);
      await queue.confirm(pairs[0]!);
    });
    // one script call: whether each is queued already (HGET) and may avoid anyone (EXISTS), a bucket read, the size
    const writes = ["zadd", "zrem", "hset", "hdel", "del"].filter((command) => cost.commands[command] !== undefined);
    assert.deepEqual(writes, [], JSON.stringify(cost.commands));
    assert.ok(totalCommands(cost) <= 7, JSON.stringify(cost.commands));
  });

  it("a pair its process holds whose hand-off never comes goes back with that process's renewal, whoever sweeps", async () => {
    const prefix = `test:${randomUUID()}:`;
    const [holder, sweeper] = [redis.client(), redis.client()].map((client) => {
      clients.push(client);
      return new RedisWaitingQueue(client, testQueueOptions(), { prefix });
    });
    const t0 = 1_000_000_000_000;
    const { pairs } = await holder!.enqueue([queueEntry("held-a", { since: t0 }), queueEntry("held-b", { since: t0 + 1 })], t0 + 1);
    assert.equal(pairs.length, 1);
    await sweeper!.sweep(t0 + 2100);
    assert.deepEqual((await sweeper!.page(0, 10)).users, [], "another process cannot give back what it does not hold");
    await holder!.renew(t0 + 2100);
    assert.deepEqual((await sweeper!.page(0, 10)).users.map((u) => u.id), ["held-a", "held-b"], "back, in their places");
  });

  describe("PairHandoff", () => {
    pairHandoffContract(() => {
      const client = redis.client();
      clients.push(client);
      return redisPairHandoff(client, `test:${randomUUID()}:`);
    });

    it("hands a pair to the chat room its process opens without a Redis command", async () => {
      const client = redis.client();
      clients.push(client);
      const handoff = redisPairHandoff(client, `test:${randomUUID()}:`);
      const users: [{ id: string; username: string }, { id: string; username: string }] = [
        { id: "a", username: "Ann" },
        { id: "b", username: "Bob" },
      ];
      const cost = await redisCostOf(client, async () => assert.deepEqual(await handoff.take(await handoff.record(users)), users));
      assert.deepEqual(cost.commands, {});
    });
  });
});
