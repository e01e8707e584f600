import type { Presence } from "@colyseus/core";

const BUCKET_MS = 60_000;
const BUCKETS = 60;
/** A minute's count, one field of a hash per minute (presence has HINCRBY, not INCRBY). */
const bucketKey = (bucket: number) => `pairline:stats:match-count:${bucket}`;
const COUNT_FIELD = "n";
/** The sum of the 59 full minutes before a minute, written by the first reader in that minute. */
const earlierKey = (bucket: number) => `pairline:stats:match-count:earlier:${bucket}`;
/** Matches counted in a process are sent at most this long after the first of them. */
export const MATCH_FLUSH_MS = 200;

/**
 * Matches per minute, shared by every process; buckets expire after an hour. A process
 * counts its matches and sends them as one HINCRBY per minute within `MATCH_FLUSH_MS`
 * (one command per process and flush, not per match); its own unsent ones count in its
 * reads at once, another process's after their flush.
 */
export class MatchCounter {
  readonly #presence: Presence;
  /** Matches counted here and not sent yet, by minute. */
  readonly #unsent = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(presence: Presence) {
    this.#presence = presence;
  }

  record(now = Date.now()): void {
    const bucket = Math.floor(now / BUCKET_MS);
    this.#unsent.set(bucket, (this.#unsent.get(bucket) ?? 0) + 1);
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), MATCH_FLUSH_MS);
    this.#timer.unref();
  }

  /** Sends what is counted here; a count Redis did not take is dropped (a statistic, not a record). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const unsent = [...this.#unsent];
    this.#unsent.clear();
    await Promise.all(
      unsent.map(async ([bucket, count]) => {
        const key = bucketKey(bucket);
        // Whoever creates the minute's hash gives it its expiry.
        if ((await this.#presence.hincrby(key, COUNT_FIELD, count)) === count) await this.#presence.expire(key, (BUCKETS * BUCKET_MS) / 1000 + 120);
      }),
    ).catch(() => undefined);
  }

  /**
   * Matches made in the last hour (sixty one-minute buckets): the current minute plus
   * the sum of the 59 before it, which the deployment adds up once a minute, not per read.
   */
  async inLastHour(now = Date.now()): Promise<number> {
    const newest = Math.floor(now / BUCKET_MS);
    const [current, earlier] = await Promise.all([this.#presence.hget(bucketKey(newest), COUNT_FIELD), this.#presence.get(earlierKey(newest))]);
    let unsent = 0;
    for (const [bucket, count] of this.#unsent) if (bucket > newest - BUCKETS) unsent += count;
    // Local presence answers undefined for a missing key, Redis null.
    const before = (earlier ?? null) === null ? await this.#sumEarlier(newest) : Number(earlier);
    return Number(current ?? 0) + before + unsent;
  }

  async #sumEarlier(newest: number): Promise<number> {
    const counts = await Promise.all(Array.from({ length: BUCKETS - 1 }, (_, i) => this.#presence.hget(bucketKey(newest - 1 - i), COUNT_FIELD)));
    const sum = counts.reduce((total: number, count) => total + Number(count ?? 0), 0);
    await this.#presence.setex(earlierKey(newest), String(sum), (2 * BUCKET_MS) / 1000);
    return sum;
  }
}
