import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import { localPairHandoff, redisPairHandoff, type PairHandoff } from "./handoff.ts";
import { LocalWaitingQueue } from "./local-queue.ts";
import { Matchmaker, type OpenChat } from "./matchmaker.ts";
import { defaultQueueOptions, type WaitingQueue } from "./queue.ts";
import { RedisWaitingQueue } from "./redis-queue.ts";

export type { Pair, QueueEntry, WaitingUser } from "./entry.ts";
export type { PairHandoff } from "./handoff.ts";
export type { OpenChat } from "./matchmaker.ts";
export type { WaitingQueue } from "./queue.ts";
export { Matchmaker };

export interface Matchmaking {
  queue: WaitingQueue;
  matchmaker: Matchmaker;
  handoff: PairHandoff;
}

/** The one place that decides where the queue and the hand-off live: in this process, or in Redis (`REDIS_URL`). */
export function createMatchmaking(
  config: Pick<Config, "redis"> & { limits: Pick<Config["limits"], "matchWidenAfterMs" | "presenceLeaseMs"> },
  logger: Logger,
  /** Opens a chat for a pair, with the hand-off this function chose. */
  chatOpener: (handoff: PairHandoff) => OpenChat,
): Matchmaking {
  const options = defaultQueueOptions(config.limits.matchWidenAfterMs, config.limits.presenceLeaseMs);
  let queue: WaitingQueue;
  let handoff: PairHandoff;
  if (config.redis) {
    const redis = connectRedis(config.redis, logger, "queue");
    queue = new RedisWaitingQueue(redis, options, { onClose: () => disconnectRedis(redis) });
    handoff = redisPairHandoff(redis);
  } else {
    queue = new LocalWaitingQueue(options);
    handoff = localPairHandoff();
  }
  const matchmaker = new Matchmaker({
    queue,
    openChat: chatOpener(handoff),
    onError: (error) => logger.error("Could not open a chat for a pair", { error: String(error) }),
  });
  return { queue, matchmaker, handoff };
}
