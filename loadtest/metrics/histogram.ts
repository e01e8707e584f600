/**
 * A latency histogram in milliseconds that workers fill and the coordinator merges.
 * Below 1 ms buckets are 0.01 ms wide; above, each bucket is 1% wider than the one
 * before, so a percentile is exact to within 1% (it reports the bucket's upper edge,
 * never more than the largest sample seen).
 */
const FINE_BUCKETS = 100;
const FINE_WIDTH_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);

export interface HistogramData {
  buckets: Array<[number, number]>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function bucketOf(ms: number): number {
  if (ms < 1) return Math.max(0, Math.floor(ms / FINE_WIDTH_MS));
  return FINE_BUCKETS + Math.floor(Math.log(ms) / LOG_GROWTH);
}

function upperEdgeOf(bucket: number): number {
  if (bucket < FINE_BUCKETS) return (bucket + 1) * FINE_WIDTH_MS;
  return GROWTH ** (bucket - FINE_BUCKETS + 1);
}

export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  static from(data: HistogramData): LatencyHistogram {
    return new LatencyHistogram().merge(data);
  }

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    const bucket = bucketOf(value);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#count += 1;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  merge(other: HistogramData | LatencyHistogram): this {
    const data = other instanceof LatencyHistogram ? other.toJSON() : other;
    for (const [bucket, count] of data.buckets) this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + count);
    this.#count += data.count;
    this.#sum += data.sum;
    if (data.count > 0) {
      this.#min = Math.min(this.#min, data.min);
      this.#max = Math.max(this.#max, data.max);
    }
    return this;
  }

  /** The smallest bucket edge that at least `percent`% of samples do not exceed (nearest rank); 0 when empty. */
  percentile(percent: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#count));
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket)!;
      if (seen >= rank) return Math.min(upperEdgeOf(bucket), this.#max);
    }
    return this.#max;
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      mean: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.#max,
    };
  }

  toJSON(): HistogramData {
    return {
      buckets: [...this.#counts.entries()],
      count: this.#count,
      sum: this.#sum,
      min: this.#count === 0 ? 0 : this.#min,
      max: this.#max,
    };
  }
}
