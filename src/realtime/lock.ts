import type { Presence } from "@colyseus/core";

/**
 * A best-effort mutual exclusion over presence, shared by every process that shares
 * the presence. `incr` is atomic, so exactly one caller sees 1. The first contender
 * also sets the expiry, so a holder that died between `incr` and `expire` cannot
 * keep the lock forever. Callers must stay correct without it; it only saves work.
 */
export class PresenceLock {
  readonly #presence: Presence;
  readonly #key: string;
  readonly #ttlSeconds: number;

  constructor(presence: Presence, key: string, ttlSeconds: number) {
    this.#presence = presence;
    this.#key = key;
    this.#ttlSeconds = ttlSeconds;
  }

  async tryAcquire(): Promise<boolean> {
    const holders = await this.#presence.incr(this.#key);
    if (holders <= 2) this.#presence.expire(this.#key, this.#ttlSeconds);
    return holders === 1;
  }

  release(): void {
    this.#presence.del(this.#key);
  }
}
