import type { Redis } from "ioredis";
import type { RedisTarget } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import type { EntryLedger } from "./entry-ledger.ts";

const PREFIX = "pairline:entry:";
/** A guest sign-up waits no longer than this for Redis. */
const COMMAND_TIMEOUT_MS = 2000;

/** The ledger shared by every process: `SET NX PX` for used challenges, `INCR` + `PEXPIRE NX` for strikes. */
export function redisEntryLedger(target: RedisTarget, logger: Logger): EntryLedger {
  const redis: Redis = connectRedis(target, logger, "entry", { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  return {
    async claim(challengeId, expiresAtMs) {
      const ttl = Math.max(1, expiresAtMs - Date.now());
      return (await redis.set(`${PREFIX}used:${challengeId}`, "1", "PX", ttl, "NX")) === "OK";
    },
    async strike(keys, windowMs) {
      if (keys.length === 0) return;
      const batch = redis.multi();
      for (const key of keys) {
        batch.incr(`${PREFIX}strikes:${key}`);
        batch.pexpire(`${PREFIX}strikes:${key}`, windowMs, "NX");
      }
      await batch.exec();
    },
    async strikes(keys) {
      if (keys.length === 0) return 0;
      const counts = await redis.mget(keys.map((key) => `${PREFIX}strikes:${key}`));
      return Math.max(0, ...counts.map((count) => Number(count ?? 0)));
    },
    close: () => disconnectRedis(redis),
  };
}
