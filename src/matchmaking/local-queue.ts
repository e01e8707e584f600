import { ALL_BUCKET, asQueueEntry, poolBucket, storedEntry, type Pair, type QueueEntry, type StoredEntry, type WaitingUser } from "./entry.ts";
import type { EnqueueOutcome, QueueOptions, WaitingQueue } from "./queue.ts";
import { partnerTier } from "./rules.ts";
import { SortedIndex } from "./sorted-index.ts";

interface Held extends StoredEntry {
  paused?: boolean;
  claimed?: boolean;
}

/**
 * The queue's data in this process: what Redis holds for the Redis queue, with the
 * same structures (buckets and expiries as sorted indexes), so both cost the same.
 * Several `LocalWaitingQueue`s may share one, as processes share a Redis.
 */
export class LocalQueueData {
  readonly entries = new Map<string, Held>();
  readonly buckets = new Map<string, SortedIndex>();
  readonly expiries = new SortedIndex();
  readonly claims = new SortedIndex();
  /** Per user, who they must not meet; a set outlives its entry for a while (a block made just before an enqueue). */
  readonly avoids = new Map<string, Set<string>>();
  readonly avoidExpiries = new SortedIndex();

  bucket(name: string): SortedIndex {
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = new SortedIndex()));
    return bucket;
  }
}

/** The queue and matcher of a single process (no `REDIS_URL`). */
export class LocalWaitingQueue implements WaitingQueue {
  readonly #data: LocalQueueData;
  readonly #options: QueueOptions;
  readonly #local = new Set<string>();

  constructor(options: QueueOptions, data = new LocalQueueData()) {
    this.#data = data;
    this.#options = options;
  }

  async enqueue(entries: readonly QueueEntry[], now = Date.now()): Promise<{ outcomes: EnqueueOutcome[]; pairs: Pair[] }> {
    const fresh: string[] = [];
    const statuses = entries.map((entry) => {
      const held = this.#data.entries.get(entry.userId);
      if (held) return held.e.sessionId === entry.sessionId ? "queued" : "busy";
      this.#data.entries.set(entry.userId, storedEntry(entry));
      this.#index(entry.userId);
      this.#data.expiries.add(entry.userId, now + this.#options.leaseMs);
      for (const other of entry.avoidUserIds) this.#addAvoid(entry.userId, other, now);
      this.#local.add(entry.userId);
      fresh.push(entry.userId);
      return "queued";
    });
    const pairs = this.#serveAll(fresh, now, new Set(fresh));
    const waiting = this.#data.entries.size;
    return { outcomes: statuses.map((status) => ({ status, waiting })), pairs };
  }

  async cancel(userId: string, sessionId: string): Promise<boolean> {
    const held = this.#data.entries.get(userId);
    if (!held || held.e.sessionId !== sessionId || held.claimed) return false;
    this.#drop(userId);
    return true;
  }

  async pause(userId: string, sessionId: string): Promise<"paused" | "claimed" | "absent"> {
    const held = this.#data.entries.get(userId);
    if (!held || held.e.sessionId !== sessionId) return "absent";
    if (held.claimed) return "claimed";
    this.#unindex(userId);
    held.paused = true;
    return "paused";
  }

  async resume(userId: string, sessionId: string, now = Date.now()) {
    const held = this.#data.entries.get(userId);
    if (!held || held.e.sessionId !== sessionId) return { status: "absent" as const, pairs: [] };
    if (held.claimed) return { status: "claimed" as const, pairs: [] };
    if (held.paused) {
      held.paused = false;
      this.#index(userId);
      this.#data.expiries.add(userId, now + this.#options.leaseMs);
    }
    return { status: "queued" as const, pairs: this.#serveAll([userId], now) };
  }

  async matchWaiting(now = Date.now()): Promise<Pair[]> {
    const widened = this.#data.bucket(ALL_BUCKET).upTo(now - this.#options.widenAfterMs, this.#options.passLimit);
    return this.#serveAll(widened, now);
  }

  async confirm([a, b]: Pair): Promise<void> {
    for (const { userId } of [a, b]) if (this.#data.entries.get(userId)?.claimed) this.#drop(userId);
  }

  async release([a, b]: Pair): Promise<void> {
    for (const { userId } of [a, b]) this.#unclaim(userId);
  }

  async avoid(a: string, b: string, now = Date.now()): Promise<void> {
    this.#addAvoid(a, b, now);
    this.#addAvoid(b, a, now);
  }

  async unavoid(a: string, b: string): Promise<void> {
    this.#data.avoids.get(a)?.delete(b);
    this.#data.avoids.get(b)?.delete(a);
  }

  async renew(now = Date.now()): Promise<void> {
    for (const userId of this.#local) {
      if (!this.#data.entries.has(userId)) {
        this.#local.delete(userId);
        continue;
      }
      this.#data.expiries.add(userId, now + this.#options.leaseMs);
      if (this.#data.avoids.has(userId)) this.#data.avoidExpiries.add(userId, now + 2 * this.#options.leaseMs);
    }
  }

  async sweep(now = Date.now()): Promise<void> {
    const limit = this.#options.passLimit * 4;
    for (const userId of this.#data.expiries.upTo(now, limit)) this.#drop(userId);
    for (const userId of this.#data.claims.upTo(now, limit)) this.#unclaim(userId);
    for (const userId of this.#data.avoidExpiries.upTo(now, limit)) {
      if (this.#data.entries.has(userId)) continue;
      this.#data.avoids.delete(userId);
      this.#data.avoidExpiries.remove(userId);
    }
  }

  hasLocalEntries(): boolean {
    return this.#local.size > 0;
  }

  async size(): Promise<number> {
    return this.#data.entries.size;
  }

  async page(offset: number, limit: number, exceptId?: string): Promise<{ users: WaitingUser[]; total: number }> {
    const all = this.#data.bucket(ALL_BUCKET);
    const skipped = exceptId === undefined ? undefined : all.rank(exceptId);
    const start = skipped !== undefined && skipped <= offset ? offset + 1 : offset;
    const users = all
      .range(start, limit + 1)
      .filter((id) => id !== exceptId)
      .slice(0, limit)
      .map((id) => {
        const { e } = this.#data.entries.get(id)!;
        return { id: e.userId, username: e.username, since: e.since };
      });
    return { users, total: all.size - (skipped === undefined ? 0 : 1) };
  }

  async close(): Promise<void> {}

  #serveAll(userIds: readonly string[], now: number, fresh: ReadonlySet<string> = new Set()): Pair[] {
    const pairs: Pair[] = [];
    for (const userId of userIds) {
      const held = this.#data.entries.get(userId);
      if (!held || held.claimed || held.paused) continue;
      const partner = this.#bestPartner(userId, held, now, fresh);
      if (!partner) continue;
      for (const id of [userId, partner]) this.#claim(id, now);
      pairs.push([asQueueEntry(held.e), asQueueEntry(this.#data.entries.get(partner)!.e)]);
    }
    return pairs;
  }

  /**
   * The best candidate of the smallest bucket group, and of the widened when the entry
   * has widened. Best: preferences that match before widening allows; for a newcomer,
   * someone already waiting (the longest-waiting, who is served first) before someone
   * of the same batch; among equally good others, one at random.
   */
  #bestPartner(userId: string, held: Held, now: number, fresh: ReadonlySet<string>): string | undefined {
    const { window, widenAfterMs } = this.#options;
    const size = (group: string[]) => group.reduce((sum, name) => sum + (this.#data.buckets.get(name)?.size ?? 0), 0);
    const group = held.s.reduce((best, next) => (size(next) < size(best) ? next : best));
    const candidates = group.flatMap((name) => this.#data.buckets.get(name)?.range(0, window) ?? []);
    if (now - held.e.since >= widenAfterMs) candidates.push(...this.#data.bucket(poolBucket(held.e.pool)).upTo(now - widenAfterMs, window));
    const newcomer = fresh.has(userId);
    let best: string | undefined;
    let bestSince = 0;
    let bestRank = 9;
    let ties = 0;
    const seen = new Set<string>([userId]);
    for (const candidate of candidates) {
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      if (this.#data.avoids.get(userId)?.has(candidate) || this.#data.avoids.get(candidate)?.has(userId)) continue;
      const other = this.#data.entries.get(candidate)!.e;
      const tier = partnerTier(held.e, other, now, widenAfterMs);
      const rank = tier * 2 + (fresh.has(candidate) ? 1 : 0);
      if (tier === 0 || rank > bestRank) continue;
      if (rank < bestRank) {
        [best, bestSince, bestRank, ties] = [candidate, other.since, rank, 1];
      } else if (newcomer && !fresh.has(candidate)) {
        if (other.since < bestSince) [best, bestSince] = [candidate, other.since];
      } else if (Math.random() * ++ties < 1) {
        [best, bestSince] = [candidate, other.since];
      }
    }
    return best;
  }

  #index(userId: string): void {
    const held = this.#data.entries.get(userId)!;
    for (const name of held.b) this.#data.bucket(name).add(userId, held.e.since);
  }

  #unindex(userId: string): void {
    for (const name of this.#data.entries.get(userId)?.b ?? []) {
      const bucket = this.#data.buckets.get(name);
      if (bucket?.remove(userId) && bucket.size === 0) this.#data.buckets.delete(name);
    }
  }

  #claim(userId: string, now: number): void {
    this.#unindex(userId);
    this.#data.entries.get(userId)!.claimed = true;
    this.#data.claims.add(userId, now + this.#options.claimTimeoutMs);
  }

  #unclaim(userId: string): void {
    const held = this.#data.entries.get(userId);
    this.#data.claims.remove(userId);
    if (!held?.claimed) return;
    held.claimed = false;
    if (!held.paused) this.#index(userId);
  }

  #drop(userId: string): void {
    this.#unindex(userId);
    this.#data.entries.delete(userId);
    this.#data.expiries.remove(userId);
    this.#data.claims.remove(userId);
    this.#data.avoids.delete(userId);
    this.#data.avoidExpiries.remove(userId);
    this.#local.delete(userId);
  }

  #addAvoid(userId: string, other: string, now: number): void {
    let set = this.#data.avoids.get(userId);
    if (!set) this.#data.avoids.set(userId, (set = new Set()));
    set.add(other);
    this.#data.avoidExpiries.add(userId, now + 2 * this.#options.leaseMs);
  }
}
