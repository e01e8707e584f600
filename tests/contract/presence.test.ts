import type { Redis } from "ioredis";
import { createLogger } from "../../src/logger/index.ts";
import { LocalMessageBudget } from "../../src/presence/message-budget.ts";
import { MemoryOnlineTable } from "../../src/presence/memory-online-table.ts";
import { RedisMessageBudget } from "../../src/presence/redis-message-budget.ts";
import { RedisOnlineTable } from "../../src/presence/redis-online-table.ts";
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

  describe("message budget", () => {
    beforeEach(async () => {
      await connect().flushall();
    });
    messageBudgetContract((perMinute) => new RedisMessageBudget(connect(), logger, perMinute), true);
  });
});
