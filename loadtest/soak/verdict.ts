import type { SoakResult } from "./soak.ts";
import { theilSenSlope } from "./trend.ts";

/**
 * How fast a process may grow after warm-up and still count as flat. At 500 users
 * skipping every 10 s (1,500 chats a minute over two processes), a leak of 1.5 KB per
 * chat grows each process's heap after a full collection by about 1.1 MB a minute.
 */
export const FLAT: Flat = { rssMbPerMinute: 2, heapAfterGcMbPerMinute: 1, fdsPerMinute: 1 };

/** The least number of forced collections after warm-up a heap trend is fitted on. */
const MIN_COLLECTIONS = 4;

export interface Flat {
  rssMbPerMinute: number;
  /** Of the heap left by a forced full collection: heap used at random instants is the collector's sawtooth. */
  heapAfterGcMbPerMinute: number;
  fdsPerMinute: number;
}

export interface Trend {
  rssMbPerMinute: number;
  /** Heap used as sampled (reported: a collection's sawtooth dominates it over minutes). */
  heapMbPerMinute: number;
  heapAfterGcMbPerMinute: number;
  /**
   * Of the descriptors beyond the process's connected clients (one socket each): chats open
   * on either lobby's process, so a process's connections, and its descriptors with them,
   * drift between processes; what a leak leaves is not held by a connection.
   */
  fdsPerMinute: number;
}

export interface Check {
  what: string;
  ok: boolean;
  seen: string;
}

export interface Verdict {
  /** Per process, fitted over the samples after warm-up. */
  trends: Trend[];
  checks: Check[];
  ok: boolean;
}

export function judge(result: Omit<SoakResult, "verdict">): Verdict {
  const flat = result.options.flat ?? FLAT;
  const steady = result.samples.filter((s) => s.phase === "churn");
  const processes = result.final.processes.length;
  const slope = (value: (s: (typeof steady)[number], i: number) => number, i: number) =>
    theilSenSlope(steady.map((s) => [s.t / 60, value(s, i)]));
  const afterGc = (i: number): Array<[number, number]> =>
    steady.flatMap((s) => (s.processes[i]!.heapAfterGcMb === undefined ? [] : [[s.t / 60, s.processes[i]!.heapAfterGcMb!] as [number, number]]));
  const trends = Array.from({ length: processes }, (_, i) => ({
    rssMbPerMinute: slope((s) => s.processes[i]!.rssMb, i),
    heapMbPerMinute: slope((s) => s.processes[i]!.heapUsedMb, i),
    heapAfterGcMbPerMinute: theilSenSlope(afterGc(i)),
    fdsPerMinute: slope((s) => s.processes[i]!.fds - s.processes[i]!.clients, i),
  }));
  const collections = Math.min(...Array.from({ length: processes }, (_, i) => afterGc(i).length));
  const per = (f: (t: Trend) => number, unit: string) => trends.map((t) => `${f(t).toFixed(2)}${unit}`).join(", ");
  const { final, baseline } = result;
  const chatting = steady.map((s) => s.chatting);
  const averageChatting = chatting.length ? chatting.reduce((a, b) => a + b, 0) / chatting.length : 0;
  const checks: Check[] = [
    { what: `enough samples after warm-up to fit a trend (≥ 5)`, ok: steady.length >= 5, seen: `${steady.length}` },
    {
      what: `enough forced full collections after warm-up to fit the heap's trend (≥ ${MIN_COLLECTIONS} per process)`,
      ok: collections >= MIN_COLLECTIONS,
      seen: `${collections}`,
    },
    {
      // Skips every few seconds keep some users between two chats; a crowd that dwindles (users who stayed out after a failed re-join) is what this catches.
      what: `users chatting after warm-up, on average (≥ half of the ${result.options.users} users)`,
      ok: averageChatting >= result.options.users / 2,
      seen: `${averageChatting.toFixed(0)} (least ${chatting.length ? Math.min(...chatting) : 0}, most ${chatting.length ? Math.max(...chatting) : 0})`,
    },
    { what: `RSS flat (< ${flat.rssMbPerMinute} MB/min per process)`, ok: trends.every((t) => t.rssMbPerMinute < flat.rssMbPerMinute), seen: per((t) => t.rssMbPerMinute, " MB/min") },
    {
      what: `heap after a full collection flat (< ${flat.heapAfterGcMbPerMinute} MB/min per process)`,
      ok: trends.every((t) => t.heapAfterGcMbPerMinute < flat.heapAfterGcMbPerMinute),
      seen: `${per((t) => t.heapAfterGcMbPerMinute, " MB/min")} (heap used as sampled: ${per((t) => t.heapMbPerMinute, " MB/min")})`,
    },
    { what: `file descriptors flat, beyond those of connected clients (< ${flat.fdsPerMinute}/min per process)`, ok: trends.every((t) => t.fdsPerMinute < flat.fdsPerMinute), seen: per((t) => t.fdsPerMinute, "/min") },
    {
      what: "Redis keys back to the baseline once the users left (time buckets aside: minute statistics, period locks, which expire by themselves)",
      ok: final.untimedKeys <= baseline.untimedKeys,
      seen: `${final.untimedKeys} (baseline ${baseline.untimedKeys}; ${final.redisKeys} and ${baseline.redisKeys} with time buckets)`,
    },
    { what: "no Redis key the baseline does not explain", ok: final.leftoverKeys.length === 0, seen: final.leftoverKeys.length ? final.leftoverKeys.slice(0, 5).join(", ") : "none" },
    { what: "no room left", ok: final.processes.every((p) => p.chatRooms === 0 && p.lobbyRooms === 0), seen: final.processes.map((p) => `${p.chatRooms} chat + ${p.lobbyRooms} lobby`).join(", ") },
    { what: "no client left", ok: final.processes.every((p) => p.clients === 0), seen: final.processes.map((p) => p.clients).join(", ") },
    { what: "no upload left on disk", ok: final.uploadsOnDisk === 0, seen: `${final.uploadsOnDisk}` },
  ];
  return { trends, checks, ok: checks.every((c) => c.ok) };
}
