import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { localPairHandoff, redisPairHandoff } from "../../src/matchmaking/handoff.ts";
import { LocalQueueData, LocalWaitingQueue } from "../../src/matchmaking/local-queue.ts";
import { RedisWaitingQueue } from "../../src/matchmaking/redis-queue.ts";
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

  describe("PairHandoff", () => {
    pairHandoffContract(() => {
      const client = redis.client();
      clients.push(client);
      return redisPairHandoff(client, `test:${randomUUID()}:`);
    });
  });
});
