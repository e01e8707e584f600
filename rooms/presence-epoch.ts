import { randomUUID } from "node:crypto";
import type { Presence } from "@colyseus/core";

const EPOCH_KEY = "pairline:presence-epoch";

/**
 * Tells whether the shared presence still holds what this reader saw in it. A Redis
 * restarted without persistence comes back empty, the waiting queue with it; whoever
 * still has the facts (a lobby, its waiting users) can then put them back.
 */
export class PresenceEpoch {
  readonly #presence: Presence;
  #seen: string | undefined;

  constructor(presence: Presence) {
    this.#presence = presence;
  }

  /** True when the presence lost its contents since the previous call (never on the first). */
  async lostSinceLastCheck(): Promise<boolean> {
    let current = await this.#presence.get(EPOCH_KEY);
    if (current === null || current === undefined) {
      current = randomUUID();
      await this.#presence.set(EPOCH_KEY, String(current));
    }
    const lost = this.#seen !== undefined && this.#seen !== String(current);
    this.#seen = String(current);
    return lost;
  }
}
