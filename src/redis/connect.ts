import { Redis, type RedisOptions } from "ioredis";
import type { RedisTarget } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { within } from "../timeouts/index.ts";

export interface RedisConnectionOptions {
  /**
   * Fail a command that has no answer after this long. Without it, a command waits
   * while Redis is unreachable and runs once it is back, so nothing built on Redis
   * rejects at random; callers that must answer in time then bound their own wait.
   */
  commandTimeoutMs?: number;
}

/** Reconnects quickly (at most a second apart) so that service resumes as soon as Redis does. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 1000);

/**
 * Through Sentinels, a connection asks them for the primary whenever it (re)connects:
 * a lost primary makes it reconnect (at most a second apart, like a lost Redis), and
 * it lands on the promoted replica once the Sentinels agree on it.
 */
function sentinelOptions(target: Extract<RedisTarget, { sentinels: unknown }>): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.masterName,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    sentinelRetryStrategy: reconnectDelay,
  };
}

/**
 * A Redis connection that survives Redis going away: connection errors are logged
 * once per outage (an unhandled ioredis `error` event would be printed on every
 * retry), commands are queued while it reconnects, and its return is logged.
 */
export function connectRedis(target: RedisTarget, logger: Logger, role: string, options: RedisConnectionOptions = {}): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
    commandTimeout: options.commandTimeoutMs,
    connectionName: `pairline:${role}`,
  };
  const client = "url" in target ? new Redis(target.url, common) : new Redis({ ...common, ...sentinelOptions(target) });
  let unreachable = false;
  client.on("error", (error: Error) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn("Redis is unreachable", { role, error: error.message });
  });
  client.on("ready", () => {
    if (!unreachable) return;
    unreachable = false;
    logger.info("Redis is reachable again", { role });
  });
  return client;
}

const QUIT_WAIT_MS = 1000;

/** Closes the connection, politely if Redis answers soon, at once otherwise. */
export async function disconnectRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status === "ready") await within(client.quit().catch(() => undefined), QUIT_WAIT_MS);
  client.disconnect();
}
