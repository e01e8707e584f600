import type { Presence } from "@colyseus/core";
import { createChatOpener } from "../../rooms/chat-opener.ts";
import type { RoomDeps } from "../../rooms/deps.ts";
import { createMatchmaking } from "../matchmaking/index.ts";
import type { MatchCounter } from "../matchmaking/match-stats.ts";
import { metrics } from "../metrics/index.ts";
import type { UserPresence } from "../presence/index.ts";
import type { Services } from "../services/index.ts";

/** What the rooms are given: the matchmaking made here, the presence, the stores; blocks reach the queue. */
export function createRoomDeps(services: Services, presence: Presence, users: UserPresence, matches: MatchCounter): RoomDeps {
  const { config, logger } = services;
  const { queue, matchmaker, handoff } = createMatchmaking(config, logger, (handoff) => createChatOpener(presence, handoff, matches));
  metrics.measureQueueWith(() => queue.size());
  services.moderation.onBlock((blockerId, blockedId, blocked) =>
    blocked ? queue.avoid(blockerId, blockedId) : queue.unavoid(blockerId, blockedId));
  return {
    config,
    logger,
    queue,
    matchmaker,
    handoff,
    online: users.online,
    budget: users.budget,
    lobbySessions: users.lobbySessions,
    uploads: services.chatUploads,
    safety: services.safety,
    signer: services.signer,
    meetings: services.meetings,
    moderation: services.moderation,
  };
}
