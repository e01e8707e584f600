import type { Presence } from "@colyseus/core";
import { createChatOpener } from "../../rooms/chat-opener.ts";
import type { RoomDeps } from "../../rooms/deps.ts";
import { createMatchmaking, type ChatHosts } from "../matchmaking/index.ts";
import type { MatchCounter } from "../matchmaking/match-stats.ts";
import { metrics } from "../metrics/index.ts";
import type { UserPresence } from "../presence/index.ts";
import type { Services } from "../services/index.ts";

/**
 * What the rooms are given: the matchmaking made here, the presence, the stores; blocks reach the queue.
 * Beside them, the chat hosts the server starts once it listens.
 */
export function createRoomDeps(services: Services, presence: Presence, users: UserPresence, matches: MatchCounter): { deps: RoomDeps; chatHosts: ChatHosts } {
  const { config, logger } = services;
  const { queue, matchmaker, handoff, chatHosts } = createMatchmaking(config, logger, presence, (handoff) => createChatOpener(presence, handoff, matches));
  metrics.measureQueueWith(() => queue.size());
  services.moderation.onBlock((blockerId, blockedId, blocked) =>
    blocked ? queue.avoid(blockerId, blockedId) : queue.unavoid(blockerId, blockedId));
  const deps: RoomDeps = {
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
  return { deps, chatHosts };
}
