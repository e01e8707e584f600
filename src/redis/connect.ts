import { Redis } from "ioredis";
import type { Logger } from "../logger/index.ts";

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
 * A Redis connection that survives Redis going away: connection errors are logged
 * once per outage (an unhandled ioredis `error` event would be printed on every
 * retry), commands are queued while it reconnects, and its return is logged.
 */
export function connectRedis(url: string, logger: Logger, role: string, options: RedisConnectionOptions = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
    commandTimeout: options.commandTimeoutMs,
    connectionName: `pairline:${role}`,
  });
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
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)));
  if (client.status === "ready") await Promise.race([client.quit().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  client.disconnect();
}
