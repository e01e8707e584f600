import { matchMaker, type Presence } from "@colyseus/core";
import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import { chatHosts, type ChatHosts, type PrepareChat } from "./chat-hosts.ts";
import { localPairHandoff, redisPairHandoff, type PairHandoff } from "./handoff.ts";
import { LocalWaitingQueue } from "./local-queue.ts";
import { Matchmaker } from "./matchmaker.ts";
import { defaultQueueOptions, type WaitingQueue } from "./queue.ts";
import { RedisWaitingQueue } from "./redis-queue.ts";

export type { Pair, QueueEntry, WaitingUser } from "./entry.ts";
export type { ChatHosts, PrepareChat } from "./chat-hosts.ts";
export type { PairHandoff } from "./handoff.ts";
export type { OpenChat } from "./matchmaker.ts";
export type { WaitingQueue } from "./queue.ts";
export { Matchmaker };

export interface Matchmaking {
  queue: WaitingQueue;
  matchmaker: Matchmaker;
  handoff: PairHandoff;
  /** Takes pairs whose chat another process asked this one to open (see `chatHosts`). */
  chatHosts: ChatHosts;
}

/** The one place that decides where the queue and the hand-off live: in this process, or in Redis (`REDIS_URL`). */
export function createMatchmaking(
  config: Pick<Config, "redis"> & { limits: Pick<Config["limits"], "matchWidenAfterMs" | "presenceLeaseMs"> },
  logger: Logger,
  /** Carries a pair to the process that opens its chat. */
  presence: Presence,
  /** Opens a chat for a pair on this process, with the hand-off this function chose. */
  chatOpener: (handoff: PairHandoff) => PrepareChat,
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
  const hosts = chatHosts(presence, () => matchMaker.processId, chatOpener(handoff));
  const matchmaker = new Matchmaker({
    queue,
    openChat: hosts.open,
    onError: (error) => logger.error("Could not open a chat for a pair", { error: String(error) }),
  });
  return { queue, matchmaker, handoff, chatHosts: hosts };
}
