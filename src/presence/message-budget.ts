import { TokenBucket } from "./token-bucket.ts";

/**
 * How many room messages a user may send, per minute, across all their connections
 * (lobby, chat, the next chat after a skip) and, with Redis, all processes.
 */
export interface MessageBudget {
  /** Spends one message of the user's budget: true if allowed. A promise only while the shared budget is asked. */
  take(userId: string): boolean | Promise<boolean>;
}

/** After this long unused, a user's budget is full again and is forgotten. */
const IDLE_MS = 60_000;

/**
 * Keeps one value per user, forgetting those unused for `IDLE_MS`. Least recently
 * used first, so forgetting reads only what went idle.
 */
export class IdleMap<V extends { usedAt: number }> {
  readonly #entries = new Map<string, V>();

  /** The user's value (made by `create` if absent), marked as used now. */
  use(key: string, now: number, create: () => V): V {
    const value = this.#entries.get(key) ?? create();
    this.#entries.delete(key);
    this.#entries.set(key, value);
    value.usedAt = now;
    for (const [oldKey, old] of this.#entries) {
      if (now - old.usedAt < IDLE_MS) break;
      this.#entries.delete(oldKey);
    }
    return value;
  }
}

/** The budget of a single process: one token bucket per user, whatever the number of their connections. */
export class LocalMessageBudget implements MessageBudget {
  readonly #perMinute: number;
  readonly #buckets = new IdleMap<{ usedAt: number; bucket: TokenBucket }>();

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }

  take(userId: string): boolean {
    const now = Date.now();
    return this.#buckets.use(userId, now, () => ({ usedAt: now, bucket: new TokenBucket(this.#perMinute, now) })).bucket.take(now);
  }
}
