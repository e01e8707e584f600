import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";

/**
 * Hit counts in Redis, shared by every process, keyed `pairline:rl:<limiter>:<client>`.
 * `SCRIPT LOAD` answers the script's SHA1, which is a digest of the script itself:
 * computing it here when Redis cannot be reached lets a store created during an
 * outage start counting as soon as Redis is back (the store otherwise keeps the
 * failed load for good). A script Redis lost is loaded again on `NOSCRIPT`.
 */
export function redisRateLimitStore(redis: Redis, name: string): RedisStore {
  const sendCommand = async (command: string, ...args: string[]): Promise<RedisReply> => {
    try {
      return (await redis.call(command, ...args)) as RedisReply;
    } catch (error) {
      const isScriptLoad = command.toUpperCase() === "SCRIPT" && args[0]?.toUpperCase() === "LOAD" && args[1] !== undefined;
      if (!isScriptLoad || (error instanceof Error && error.name === "ReplyError")) throw error;
      return createHash("sha1").update(args[1]!).digest("hex");
    }
  };
  return new RedisStore({ prefix: `pairline:rl:${name}:`, sendCommand });
}
