import type { Presence } from "@colyseus/core";
import type { MatchPreferences } from "../../rooms/protocol.ts";
import type { LeaseTable } from "./leases.ts";

/** One user waiting for a partner, as stored in presence (plain JSON, readable by any process). */
export interface QueueEntry {
  userId: string;
  username: string;
  /** The lobby session that asked, and the lobby room that can reach it. */
  sessionId: string;
  lobbyId: string;
  preferences: MatchPreferences;
  /** The user's country, and whether the partner may see it. */
  country: string | null;
  shareCountry: boolean;
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
 * Each entry holds a lease renewed by the process that added it, so the entries of
 * a process that died leave the queue when their lease runs out.
 */
export class MatchQueue {
  readonly #presence: Presence;
  readonly #leases: LeaseTable;
  /** Users this process put in the queue, whose leases it renews. */
  readonly #local = new Set<string>();

  constructor(presence: Presence, leases: LeaseTable) {
    this.#presence = presence;
    this.#leases = leases;
  }

  /** Adds the entry; false if the user is already waiting from another session. */
  async add(entry: QueueEntry): Promise<boolean> {
    const current = await this.#presence.hget(ENTRIES_KEY, entry.userId);
    if (current !== null) return (JSON.parse(current) as QueueEntry).sessionId === entry.sessionId;
    if ((await this.#presence.hincrby(OWNERS_KEY, entry.userId, 1)) !== 1) {
      await this.#presence.hincrby(OWNERS_KEY, entry.userId, -1);
      return false;
    }
    await this.#leases.grant(entry.userId);
    await this.#presence.hset(ENTRIES_KEY, entry.userId, JSON.stringify(entry));
    this.#local.add(entry.userId);
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

  /** The waiting users whose lease is live; entries left by a dead process are dropped on the way. */
  async entries(): Promise<QueueEntry[]> {
    const [all, live] = await Promise.all([this.#presence.hgetall(ENTRIES_KEY), this.#leases.live()]);
    const entries: QueueEntry[] = [];
    for (const [userId, raw] of Object.entries(all)) {
      if (live.has(userId)) entries.push(JSON.parse(raw) as QueueEntry);
      else await this.#take(userId);
    }
    return entries;
  }

  /** How many users are waiting (O(1)). */
  size(): Promise<number> {
    return this.#leases.count();
  }

  /** Keeps this process's waiting users in the queue; called on a timer well inside the lease. */
  async renew(): Promise<void> {
    for (const userId of this.#local) {
      if ((await this.#presence.hget(ENTRIES_KEY, userId)) === null) this.#local.delete(userId);
    }
    await this.#leases.renew(this.#local);
  }

  /** Removes the entries whose process stopped renewing them. */
  async sweep(): Promise<void> {
    for (const userId of await this.#leases.sweep()) await this.#take(userId);
  }

  /** Bumped on every addition, so a matcher can tell whether it has seen the latest queue. */
  async version(): Promise<number> {
    return Number((await this.#presence.get(VERSION_KEY)) ?? 0);
  }

  async #take(userId: string): Promise<boolean> {
    this.#local.delete(userId);
    if (!(await this.#presence.hdel(ENTRIES_KEY, userId))) return false;
    await Promise.all([this.#presence.hdel(OWNERS_KEY, userId), this.#leases.revoke(userId)]);
    return true;
  }
}
