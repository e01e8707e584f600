import type { Presence } from "@colyseus/core";
import type { MatchPreferences } from "../../rooms/protocol.ts";

/** One user waiting for a partner, as stored in presence (plain JSON, readable by any process). */
export interface QueueEntry {
  userId: string;
  username: string;
  /** The lobby session that asked, and the lobby room that can reach it. */
  sessionId: string;
  lobbyId: string;
  preferences: MatchPreferences;
  /** Users this one must not be paired with (e.g. the partner just left). */
  avoidUserIds: string[];
  /** Enqueue time, ms since the epoch. */
  since: number;
}

const ENTRIES_KEY = "pairline:queue:entries";
const OWNERS_KEY = "pairline:queue:owners";
const VERSION_KEY = "pairline:queue:version";

/**
 * The waiting queue, kept in presence so lobby rooms in any process share it.
 * A user has at most one entry (a second tab is refused), and an entry leaves the
 * queue exactly once: `claim` and `remove` both rely on `hdel` being atomic.
 */
export class MatchQueue {
  readonly #presence: Presence;

  constructor(presence: Presence) {
    this.#presence = presence;
  }

  /** Adds the entry; false if the user is already waiting from another session. */
  async add(entry: QueueEntry): Promise<boolean> {
    const current = await this.#presence.hget(ENTRIES_KEY, entry.userId);
    if (current !== null) return (JSON.parse(current) as QueueEntry).sessionId === entry.sessionId;
    if ((await this.#presence.hincrby(OWNERS_KEY, entry.userId, 1)) !== 1) {
      await this.#presence.hincrby(OWNERS_KEY, entry.userId, -1);
      return false;
    }
    await this.#presence.hset(ENTRIES_KEY, entry.userId, JSON.stringify(entry));
    await this.#presence.incr(VERSION_KEY);
    return true;
  }

  /** Removes the user's entry if it belongs to `sessionId`; true if one was removed. */
  async remove(userId: string, sessionId: string): Promise<boolean> {
    const current = await this.#presence.hget(ENTRIES_KEY, userId);
    if (current === null || (JSON.parse(current) as QueueEntry).sessionId !== sessionId) return false;
    return this.#take(userId);
  }

  /** Takes both entries out of the queue, or neither. */
  async claim(a: QueueEntry, b: QueueEntry): Promise<boolean> {
    if (!(await this.#take(a.userId))) return false;
    if (await this.#take(b.userId)) return true;
    await this.restore(a);
    return false;
  }

  /** Puts back an entry that was claimed but could not be paired after all. */
  async restore(entry: QueueEntry): Promise<void> {
    await this.add(entry);
  }

  async entries(): Promise<QueueEntry[]> {
    const all = await this.#presence.hgetall(ENTRIES_KEY);
    return Object.values(all).map((raw) => JSON.parse(raw) as QueueEntry);
  }

  async size(): Promise<number> {
    return this.#presence.hlen(ENTRIES_KEY);
  }

  /** Bumped on every addition, so a matcher can tell whether it has seen the latest queue. */
  async version(): Promise<number> {
    return Number((await this.#presence.get(VERSION_KEY)) ?? 0);
  }

  async #take(userId: string): Promise<boolean> {
    if (!(await this.#presence.hdel(ENTRIES_KEY, userId))) return false;
    await this.#presence.hdel(OWNERS_KEY, userId);
    return true;
  }
}
