import type { Redis } from "ioredis";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";

/** Hashes a window's counts are spread over, so that on Redis Cluster one limiter is not one hot slot. */
const SHARDS = 16;
/** A window's hashes outlive it by this much, for processes whose clocks run a little behind. */
const EXPIRY_MARGIN_MS = 5_000;
/** Hits counted here but not yet in Redis are sent at most this long after the first of them. */
export const FLUSH_EVERY_MS = 200;
/** Hits of one client a process holds unsent at most, as a share of the limit (none under a limit below 20). */
const DEFERRED_SHARE = 0.05;
/** Clients remembered per window at most (past it, a new client's every hit is sent at once). */
const MAX_KNOWN = 10_000;

/** Where a client's count of the current window lives. */
interface Slot {
  hash: string;
  resetTime: Date;
  window: number;
}

/** What this process knows of one client's count in one window. */
interface Known {
  /** The shared count, as the last HINCRBY of this process answered it. */
  shared: number;
  /** Hits counted here since, not yet sent. */
  pending: number;
}

function shardOf(client: string): number {
  let hash = 0;
  for (let i = 0; i < client.length; i++) hash = (hash * 31 + client.charCodeAt(i)) | 0;
  return Math.abs(hash) % SHARDS;
}

/**
 * Hit counts in Redis, shared by every process. Windows are fixed and aligned to the
 * clock (as `MemoryStore`'s are to its start), so a reset time is known without asking
 * Redis. The counts of one window live in hashes `pairline:rl:<limiter>:<window>:<shard>`
 * that expire with it; each process sets that expiry once per window and hash, in the
 * same round trip as its first hit there.
 *
 * A client's first hit in a window is one HINCRBY, judged on the shared count it answers.
 * Their next hits (a busy address: a flood, a NAT, a bench) are counted here and judged on
 * that count plus the hits held here, which are sent as one HINCRBY of their sum within
 * `FLUSH_EVERY_MS`, or at once with the hit that would hold more than `DEFERRED_SHARE` of
 * the limit. What other processes hold unsent is unseen meanwhile: across P processes a
 * client passes the limit by less than P × `DEFERRED_SHARE` of it (limits below 20 are
 * exact), and hits held by a process that dies are never counted.
 */
export class RedisHitCounter implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #redis: Redis;
  #windowMs = 60_000;
  /** A limit given as a function is not known here: every hit is then sent at once. */
  #limit = 0;
  /** The window whose hashes this process has given an expiry, and those hashes. */
  #expiring = { window: -1, hashes: new Set<string>() };
  /** The current window's counts this process knows of, by hash and client. */
  #known = { window: -1, counts: new Map<string, Known>() };
  /** The keys of `#known` holding unsent hits, so a flush reads only those. */
  #unsent = new Set<string>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, limiter: string) {
    this.#redis = redis;
    this.prefix = `pairline:rl:${limiter}:`;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
    if (typeof options.limit === "number") this.#limit = options.limit;
  }

  async get(client: string): Promise<ClientRateLimitInfo | undefined> {
    const slot = this.#where(client);
    const hits = await this.#redis.hget(slot.hash, client);
    const pending = this.#knownOf(slot, client)?.pending ?? 0;
    if (hits === null && pending === 0) return undefined;
    return { totalHits: Number(hits ?? 0) + pending, resetTime: slot.resetTime };
  }

  async increment(client: string): Promise<IncrementResponse> {
    const slot = this.#where(client);
    const known = this.#knownOf(slot, client);
    if (known && known.pending + 1 <= this.#limit * DEFERRED_SHARE) {
      known.pending += 1;
      this.#unsent.add(`${slot.hash} ${client}`);
      this.#flushSoon();
      return { totalHits: known.shared + known.pending, resetTime: slot.resetTime };
    }
    return { totalHits: await this.#send(slot, client, 1), resetTime: slot.resetTime };
  }

  async decrement(client: string): Promise<void> {
    const slot = this.#where(client);
    const known = this.#knownOf(slot, client);
    if (known && known.pending > 0) {
      known.pending -= 1;
      return;
    }
    await this.#send(slot, client, -1);
  }

  async resetKey(client: string): Promise<void> {
    const slot = this.#where(client);
    this.#known.counts.delete(`${slot.hash} ${client}`);
    await this.#redis.hdel(slot.hash, client);
  }

  /** Sends the hits counted here and not yet sent, one HINCRBY of the sum per client (on a timer, and on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const { window, counts } = this.#known;
    const sums: Array<[string, number]> = [];
    for (const key of this.#unsent) {
      const known = counts.get(key);
      if (!known || known.pending === 0) continue;
      sums.push([key, known.pending]);
      known.pending = 0;
    }
    this.#unsent.clear();
    if (sums.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const [key, sum] of sums) {
      const [hash, client] = key.split(" ") as [string, string];
      pipeline.hincrby(hash, client, sum);
    }
    const replies = await pipeline.exec().catch(() => null);
    if (this.#known.window !== window) return;
    replies?.forEach(([error, total], i) => {
      const known = counts.get(sums[i]![0]);
      if (!error && known) known.shared = Math.max(known.shared, Number(total));
    });
  }

  #flushSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
    this.#flushTimer.unref();
  }

  #where(client: string, now = Date.now()): Slot {
    const window = Math.floor(now / this.#windowMs);
    return { hash: `${this.prefix}${window}:${shardOf(client)}`, resetTime: new Date((window + 1) * this.#windowMs), window };
  }

  /** What is known of the client in the slot's window; a new window starts with nothing known (its hits left unsent go with the old one). */
  #knownOf(slot: Slot, client: string): Known | undefined {
    if (this.#known.window !== slot.window) {
      if (this.#known.window > slot.window) return undefined;
      void this.flush();
      this.#known = { window: slot.window, counts: new Map() };
    }
    return this.#known.counts.get(`${slot.hash} ${client}`);
  }

  /** One HINCRBY now (with the hits held here for that client): the shared count it answers is what the hit is judged on. */
  async #send(slot: Slot, client: string, by: number): Promise<number> {
    const { hash, window } = slot;
    const key = `${hash} ${client}`;
    const held = this.#known.window === window ? this.#known.counts.get(key) : undefined;
    const pending = held?.pending ?? 0;
    if (held) held.pending = 0;
    let total: number;
    try {
      total = await this.#hincrby(slot, client, by + pending);
    } catch (error) {
      if (held) held.pending += pending;
      throw error;
    }
    if (this.#known.window === window) {
      const known = this.#known.counts.get(key);
      if (known) known.shared = Math.max(known.shared, total);
      else if (this.#known.counts.size < MAX_KNOWN) this.#known.counts.set(key, { shared: total, pending: 0 });
    }
    return total;
  }

  async #hincrby({ hash, resetTime, window }: Slot, client: string, by: number): Promise<number> {
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
