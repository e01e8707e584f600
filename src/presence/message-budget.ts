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
 * Keeps one value per user, forgetting those unused for `IDLE_MS` (or up to twice
 * that): values live in two generations, the one being filled and the one before
 * it, and every `IDLE_MS` the older is dropped whole. A use is two lookups at most,
 * whatever the number of users; an LRU order kept per use made each use skip the
 * holes that users messaging in turn leave at the front of a reordered Map (1.8 µs
 * at 7,500 users, growing with them).
 */
export class IdleMap<V extends { usedAt: number }> {
  #current = new Map<string, V>();
  #previous = new Map<string, V>();
  #currentSince = -Infinity;

  /** The user's value (made by `create` if absent or forgotten), marked as used now. */
  use(key: string, now: number, create: () => V): V {
    if (now - this.#currentSince >= IDLE_MS) {
      this.#previous = this.#current;
      this.#current = new Map();
      this.#currentSince = now;
    }
    let value = this.#current.get(key);
    if (value === undefined) {
      value = this.#previous.get(key) ?? create();
      this.#current.set(key, value);
    }
    value.usedAt = now;
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
