import type { Redis } from "ioredis";
import { RedisUploadStore } from "../../src/uploads/redis-store.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";
import { uploadStoreContract } from "./upload-store.contract.ts";

describe("UploadStore contract: Redis", function () {
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
  uploadStoreContract(async (quota) => new RedisUploadStore(client, { quota, maxAgeMs: 3_600_000 }));
});
