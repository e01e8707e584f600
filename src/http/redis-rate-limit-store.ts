import type { Redis } from "ioredis";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";

/** Hashes a window's counts are spread over, so that on Redis Cluster one limiter is not one hot slot. */
const SHARDS = 16;
/** A window's hashes outlive it by this much, for processes whose clocks run a little behind. */
const EXPIRY_MARGIN_MS = 5_000;

/** Where a client's count of the current window lives. */
interface Slot {
  hash: string;
  resetTime: Date;
  window: number;
}

function shardOf(client: string): number {
  let hash = 0;
  for (let i = 0; i < client.length; i++) hash = (hash * 31 + client.charCodeAt(i)) | 0;
  return Math.abs(hash) % SHARDS;
}

/**
 * Hit counts in Redis, shared by every process: one HINCRBY per hit. Windows are fixed
 * and aligned to the clock (as `MemoryStore`'s are to its start), so a reset time is
 * known without asking Redis. The counts of one window live in hashes
 * `pairline:rl:<limiter>:<window>:<shard>` that expire with it; each process sets that
 * expiry once per window and hash, in the same round trip as its first hit there.
 */
export class RedisHitCounter implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #redis: Redis;
  #windowMs = 60_000;
  /** The window whose hashes this process has given an expiry, and those hashes. */
  #expiring = { window: -1, hashes: new Set<string>() };

  constructor(redis: Redis, limiter: string) {
    this.#redis = redis;
    this.prefix = `pairline:rl:${limiter}:`;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  async get(client: string): Promise<ClientRateLimitInfo | undefined> {
    const { hash, resetTime } = this.#where(client);
    const hits = await this.#redis.hget(hash, client);
    return hits === null ? undefined : { totalHits: Number(hits), resetTime };
  }

  async increment(client: string): Promise<IncrementResponse> {
    const slot = this.#where(client);
    return { totalHits: await this.#add(slot, client, 1), resetTime: slot.resetTime };
  }

  async decrement(client: string): Promise<void> {
    await this.#add(this.#where(client), client, -1);
  }

  async resetKey(client: string): Promise<void> {
    await this.#redis.hdel(this.#where(client).hash, client);
  }

  #where(client: string, now = Date.now()): Slot {
    const window = Math.floor(now / this.#windowMs);
    return { hash: `${this.prefix}${window}:${shardOf(client)}`, resetTime: new Date((window + 1) * this.#windowMs), window };
  }

  async #add({ hash, resetTime, window }: Slot, client: string, by: number): Promise<number> {
    if (this.#expiring.window !== window) this.#expiring = { window, hashes: new Set() };
    if (this.#expiring.hashes.has(hash)) return this.#redis.hincrby(hash, client, by);
    const replies = await this.#redis.pipeline().hincrby(hash, client, by).pexpireat(hash, resetTime.getTime() + EXPIRY_MARGIN_MS).exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (!replies || failed) throw failed ?? new Error("rate limit count lost");
    this.#expiring.hashes.add(hash);
    return Number(replies[0]![1]);
  }
}

/** The hit counter of one limiter (`auth`, `api`…), shared by every process through Redis. */
export function redisRateLimitStore(redis: Redis, limiter: string): RedisHitCounter {
  return new RedisHitCounter(redis, limiter);
}
