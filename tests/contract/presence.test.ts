import type { Redis } from "ioredis";
import { createLogger } from "../../src/logger/index.ts";
import { LocalMessageBudget } from "../../src/presence/message-budget.ts";
import { MemoryOnlineTable } from "../../src/presence/memory-online-table.ts";
import { RedisMessageBudget } from "../../src/presence/redis-message-budget.ts";
import { RedisOnlineTable } from "../../src/presence/redis-online-table.ts";
import { OnlineUsers } from "../../src/presence/online-users.ts";
import { openStores } from "../../src/services/user-stores.ts";
import assert from "node:assert/strict";
import { redisCostOf } from "../helpers/redis-cost.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";
import { messageBudgetContract, presenceContract } from "./presence.contract.ts";

const logger = createLogger({ isProduction: false, log: { level: "silent", dir: "/tmp", console: false } });

describe("Presence contract: in memory", () => {
  presenceContract(async () => {
    const table = new MemoryOnlineTable();
    return { forProcess: () => table };
  });
});

describe("Message budget contract: in memory", () => {
  messageBudgetContract((perMinute) => new LocalMessageBudget(perMinute), false);
});

describe("Presence contract: Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis;
  const clients: Redis[] = [];
  const connect = () => {
    const client = redis.client();
    clients.push(client);
    return client;
  };
  before(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  after(async () => {
    await redis?.stop();
  });

  describe("online users", () => {
    presenceContract(async () => {
      await connect().flushall();
      return { forProcess: () => new RedisOnlineTable(connect()) };
    });
  });

  it("reads a process's lease on a connect only when it was not granted or renewed within half a lease", async () => {
    const probe = connect();
    await probe.flushall();
    const stores = await openStores({ databaseFile: ":memory:" });
    try {
      const online = new OnlineUsers(new RedisOnlineTable(connect()), stores.users, logger, { leaseMs: 2000, graceMs: 300 });
      const users = await Promise.all([0, 1].map((i) => stores.users.create({ username: `lease-${i}`, email: null, passwordHash: null, isGuest: true })));
      const unsure = await redisCostOf(probe, () => online.connected(users[0]!.id));
      assert.equal(unsure.commands.zscore, 1, "never granted: the lease is read");
      await online.renew();
      const sure = await redisCostOf(probe, () => online.connected(users[1]!.id));
      assert.equal(sure.commands.zscore, undefined, "renewed just now: the lease is not read");
      assert.equal(await online.count(), 2);
    } finally {
      await stores.close();
    }
  });

  it("a user held by one process comes online and goes with no per-user count written", async () => {
    const probe = connect();
    await probe.flushall();
    const table = new RedisOnlineTable(connect());
    const now = Date.now();
    await table.connect("p1", "warm-up", now, now + 10_000); // loads the script
    const coming = await redisCostOf(probe, () => table.connect("p1", "solo", now, now + 10_000));
    assert.deepEqual(coming.commands, { evalsha: 1, zadd: 2 }, "held by p1, online since now");
    const going = await redisCostOf(probe, () => table.disconnect("p1", "solo", now + 300));
    assert.deepEqual(going.commands, { evalsha: 1, zrem: 1, hget: 1, zadd: 1 }, "no longer held by p1, nobody else holds them, leaving");
  });

  describe("message budget", () => {
    beforeEach(async () => {
      await connect().flushall();
    });
    messageBudgetContract((perMinute) => new RedisMessageBudget(connect(), logger, perMinute), true);

    it("a user's one message in a process costs Redis nothing; the next takes from the bucket what the first used too", async () => {
      const probe = connect();
      const budget = new RedisMessageBudget(connect(), logger, 100);
      const first = await redisCostOf(probe, async () => assert.equal(await budget.take("one-message"), true));
      assert.deepEqual(first.commands, {});
      await budget.take("one-message");
      const stored = await probe.get("pairline:message-budget:one-message");
      assert.equal(Math.floor(Number(stored!.split(":")[0])), 100 - 10 - 1, "a chunk of 10 and the first message's token taken");
    });

    it("while Redis does not answer, nobody within the budget is refused, and a flooder is held to it", async () => {
      const budget = new RedisMessageBudget(connect(), logger, 100);
      const spend = async (userId: string, times: number) => {
        const answers = await Promise.all(Array.from({ length: times }, () => budget.take(userId)));
        return answers.filter(Boolean).length;
      };
      assert.equal(await spend("steady", 30), 30, "before the outage");
      await redis.freeze(4);
      const started = Date.now();
      assert.equal(await spend("steady", 40), 40, "held up to 2 s, then decided by this process");
      assert.equal(await spend("steady", 20), 20, "decided by this process at once");
      const refilled = Math.ceil(((Date.now() - started) * 100) / 60_000);
      const flooded = await spend("steady", 100);
      assert.ok(flooded >= 10 && flooded <= 10 + refilled + 1, `${flooded} of 100 more: the budget's 100 a minute, ${refilled} refilled meanwhile`);
    });
  });
});
