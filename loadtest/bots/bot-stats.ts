import { LatencyHistogram, type HistogramData } from "../metrics/histogram.ts";

/** Timings a worker collects, by what they measure (all in ms). */
export const TIMINGS = [
  "token", // POST for a token → answer
  "lobby", // joinOrCreate("lobby") → joined
  "matchNotice", // user:match sent → user:matched received (the server's share of matching)
  "match", // user:match sent → seated in the chat room
  "rematch", // skip (or partner:left) → seated in the next chat
  "skipToChat", // skip sent → seated in the next chat, partner known (the skipper's side of a rematch)
  "reconnect", // connection cut → reconnected
  "callSetup", // webrtc:offer sent → webrtc:answer received
] as const;
export type Timing = (typeof TIMINGS)[number];

/** One measurement window of chat traffic, counted by the senders and the receivers of its messages. */
export interface WindowData {
  sent: number;
  /** Sends the schedule asked for that the worker was too busy to make. */
  missed: number;
  received: number;
  acked: number;
  latency: HistogramData;
  ackRtt: HistogramData;
}

export interface StatsSnapshot {
  timings: Record<Timing, HistogramData>;
  counts: Record<string, number>;
  windows: Record<string, WindowData>;
}

/** The counters of one window, in a worker or added up over all of them. */
export class WindowCounts {
  sent = 0;
  missed = 0;
  received = 0;
  acked = 0;
  readonly latency = new LatencyHistogram();
  readonly ackRtt = new LatencyHistogram();

  /** A message of this window reached its receiver, `ms` after it was sent. */
  delivered(ms: number): void {
    this.received += 1;
    this.latency.record(ms);
  }

  /** The server acknowledged a message of this window, `ms` after it was sent. */
  acknowledged(ms: number): void {
    this.acked += 1;
    this.ackRtt.record(ms);
  }

  add(data: WindowData): this {
    this.sent += data.sent;
    this.missed += data.missed;
    this.received += data.received;
    this.acked += data.acked;
    this.latency.merge(data.latency);
    this.ackRtt.merge(data.ackRtt);
    return this;
  }

  toJSON(): WindowData {
    return { sent: this.sent, missed: this.missed, received: this.received, acked: this.acked, latency: this.latency.toJSON(), ackRtt: this.ackRtt.toJSON() };
  }
}

const freshTimings = () => Object.fromEntries(TIMINGS.map((t) => [t, new LatencyHistogram()])) as Record<Timing, LatencyHistogram>;

/** What the bots of one worker measured since the last `take()`. */
export class BotStats {
  #timings = freshTimings();
  #counts = new Map<string, number>();
  #windows = new Map<number, WindowCounts>();

  time(timing: Timing, ms: number): void {
    this.#timings[timing].record(ms);
  }

  count(name: string, by = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + by);
  }

  window(id: number): WindowCounts {
    let window = this.#windows.get(id);
    if (!window) {
      window = new WindowCounts();
      this.#windows.set(id, window);
    }
    return window;
  }

  /** Everything so far; the counters start again from zero. */
  take(): StatsSnapshot {
    const snapshot: StatsSnapshot = {
      timings: Object.fromEntries(TIMINGS.map((t) => [t, this.#timings[t].toJSON()])) as Record<Timing, HistogramData>,
      counts: Object.fromEntries(this.#counts),
      windows: Object.fromEntries([...this.#windows].map(([id, w]) => [String(id), w.toJSON()])),
    };
    this.#timings = freshTimings();
    this.#counts = new Map();
    this.#windows = new Map();
    return snapshot;
  }
}

export interface MergedStats {
  timings: Record<Timing, LatencyHistogram>;
  counts: Record<string, number>;
  windows: Map<number, WindowCounts>;
}

/** Adds up the snapshots of every worker. */
export function mergeStats(snapshots: StatsSnapshot[]): MergedStats {
  const merged: MergedStats = { timings: freshTimings(), counts: {}, windows: new Map() };
  for (const snapshot of snapshots) {
    for (const t of TIMINGS) merged.timings[t].merge(snapshot.timings[t]);
    for (const [name, n] of Object.entries(snapshot.counts)) merged.counts[name] = (merged.counts[name] ?? 0) + n;
    for (const [id, w] of Object.entries(snapshot.windows)) {
      const into = merged.windows.get(Number(id)) ?? new WindowCounts();
      merged.windows.set(Number(id), into.add(w));
    }
  }
  return merged;
}
