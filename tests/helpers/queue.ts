import type { QueueEntry } from "../../src/matchmaking/index.ts";

/** A waiting user as the queue stores it, with neutral defaults. */
export function queueEntry(userId: string, overrides: Partial<QueueEntry> = {}): QueueEntry {
  return {
    userId,
    username: userId,
    sessionId: `s-${userId}`,
    lobbyId: "lobby",
    preferences: {},
    queue: "moderated",
    pool: "moderated",
    country: null,
    shareCountry: false,
    avoidUserIds: [],
    since: Date.now(),
    ...overrides,
  };
}
