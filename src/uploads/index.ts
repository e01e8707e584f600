import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import { DiskUploadStore } from "./disk-store.ts";
import { RedisUploadStore } from "./redis-store.ts";
import type { UploadStore } from "./store.ts";

/** Upload commands fail after this long without an answer instead of holding the request while Redis is away. */
const REDIS_UPLOAD_COMMAND_TIMEOUT_MS = 5000;

/** The one place that decides which upload store this process uses: Redis when `REDIS_URL` is set (shared by every process), else the disk. */
export async function openUploadStore(config: Config, logger: Logger): Promise<UploadStore> {
  const quota = { maxFiles: config.uploads.roomMaxFiles, maxBytes: config.uploads.roomMaxBytes };
  if (config.redis) {
    const redis = connectRedis(config.redis, logger, "uploads", { commandTimeoutMs: REDIS_UPLOAD_COMMAND_TIMEOUT_MS });
    return new RedisUploadStore(redis, { quota, maxAgeMs: config.uploads.maxAgeMs, close: () => disconnectRedis(redis) });
  }
  return DiskUploadStore.open(config.uploads.dir, quota);
}
