import { randomUUID } from "node:crypto";
import type { Presence } from "@colyseus/core";

/** One marker per reader (a lobby), in one set: each finds its own with one O(1) lookup. */
const READERS_KEY = "pairline:presence-readers";

/**
 * Tells whether the shared presence still holds what this reader put in it. A Redis
 * restarted without persistence comes back empty, the waiting queue with it; whoever
 * still has the facts (a lobby, its waiting users) can then put them back.
 *
 * Each reader checks a marker of its own, not a value shared by all: readers that started
 * together on an empty presence each wrote their own shared value, and all but the last
 * writer then took the others' value for a presence that had been emptied.
 */
export class PresenceEpoch {
  readonly #presence: Presence;
  readonly #marker = randomUUID();
  #marked = false;

  constructor(presence: Presence) {
    this.#presence = presence;
  }

  /** True when the presence lost its contents since the previous call (never on the first). */
  async lostSinceLastCheck(): Promise<boolean> {
    if (this.#marked && (await this.#presence.sismember(READERS_KEY, this.#marker))) return false;
    await this.#presence.sadd(READERS_KEY, this.#marker);
    const lost = this.#marked;
    this.#marked = true;
    return lost;
  }

  /** The reader is gone (its lobby closed): its marker goes with it. */
  async forget(): Promise<void> {
    await this.#presence.srem(READERS_KEY, this.#marker);
  }
}
