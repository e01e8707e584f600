import { setTimeout as sleep } from "node:timers/promises";
import { mergeStats } from "../bots/bot-stats.ts";
import { BotFleet } from "../bots/fleet.ts";
import { sdkConnector } from "../bots/sdk-connector.ts";
import { LatencyHistogram } from "../metrics/histogram.ts";
import { launchTarget, type RunningTarget } from "../targets/launch.ts";
import { startRedis } from "../targets/redis.ts";
import { ROOT } from "../../tests/helpers/process.ts";
import { Redis } from "ioredis";
import { HEAP_PROBE, heapAfterGcMb } from "./heap-after-gc.ts";
import { familiesOf, keyNames, sampleCluster, unexplainedKeys, untimedCount, type ClusterSample } from "./sampler.ts";
import { startUploads, type UploadCounts } from "./uploader.ts";
import { judge, type Flat, type Verdict } from "./verdict.ts";

export interface SoakOptions {
  users: number;
  /** Churn time, warm-up included. */
  minutes: number;
  /** The first part of the churn, left out of the fitted trends (caches, JIT, the screening model). */
  warmupMinutes: number;
  sampleSeconds: number;
  /**
   * At most this often, a sample also forces a full garbage collection in each process
   * (asking the heap probe the soak preloads into it) and reads the heap left: the trend memory is judged on.
   */
  gcSeconds: number;
  /** Each pair lasts this long before one of them skips to the next stranger. */
  skipSeconds: number;
  /** Each user sends one message every this many seconds. */
  messageSeconds: number;
  /** Uploads by the whole crowd, per minute. */
  uploadsPerMinute: number;
  /** How long the users get to leave and the servers to clean up after them. */
  drainSeconds: number;
  /** How much growth per minute still counts as flat (default `FLAT`); a short run needs a wider margin than an hour. */
  flat?: Flat;
  /** Settings for both server processes, beside those of a soak. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export type Phase = "warmup" | "churn" | "drain";

export interface SoakSample extends ClusterSample {
  /** Seconds since the users started connecting. */
  t: number;
  phase: Phase;
  chatting: number;
  /** Chat messages delivered since the previous sample, and their send → receive latency. */
  delivered: number;
  latencyP50: number;
  latencyP99: number;
}

export interface SoakResult {
  options: Omit<SoakOptions, "log">;
  startedAt: string;
  /** Redis after a first few users came and went (what any traffic creates once: rate-limit counters, statistics). */
  baseline: { redisKeys: number; untimedKeys: number; keys: Record<string, number> };
  samples: SoakSample[];
  /** After the users left (or when the drain time ran out). */
  final: ClusterSample & {
    keys: Record<string, number>;
    /** Keys whose names carry no number (time buckets expire by themselves). */
    untimedKeys: number;
    drainSeconds: number;
    /** Keys the baseline does not explain (see `unexplainedKeys`), the first 50. */
    leftoverKeys: string[];
  };
  traffic: {
    connected: number;
    sent: number;
    missed: number;
    delivered: number;
    skips: number;
    latency: { p50: number; p99: number; max: number };
    timings: Record<string, { count: number; p50: number; p99: number }>;
    uploads: UploadCounts;
    /** What went wrong as the bots saw it (failed joins, closed chats), by kind. */
    counts: Record<string, number>;
  };
  verdict: Verdict;
}

const REJOIN_BACKOFF = { firstMs: 500, maxMs: 10_000 };

const UPLOAD_SETTINGS = {
  // All bots upload from one address; a per-address limit would refuse them after ten.
  RATE_LIMIT_UPLOAD_MAX: "1000000",
  // A room's files are deleted with the room; the sweep only catches what a crash left.
  UPLOAD_SWEEP_MINUTES: "10",
};

/**
 * Churn on two Pairline processes sharing a private Redis: users skip to the next
 * stranger every few seconds, chat, and upload now and then, while the processes'
 * memory, descriptors, rooms, Redis keys and uploads are sampled from outside. Then
 * everyone leaves and the run checks that nothing was left behind.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  let target: RunningTarget | undefined;
  let fleet: BotFleet | undefined;
  try {
    target = await launchTarget({ name: "pairline", processes: 2, redisUrl: redisServer.url, pairlineRoot: ROOT, env: { ...UPLOAD_SETTINGS, ...options.env }, preload: [HEAP_PROBE] });
    const running = target;
    await firstVisitors(running, redis, options.drainSeconds);
    const baselineNames = await keyNames(redis);
    const baseline = { redisKeys: baselineNames.length, untimedKeys: untimedCount(baselineNames), keys: familiesOf(baselineNames) };
    log(`2 processes up, Redis keys at baseline: ${JSON.stringify(baseline.keys)}`);

    // A loaded machine refuses or times out some re-joins; users who met one come back a little later, so the crowd keeps its size.
    fleet = new BotFleet(sdkConnector(running.address.endpoints, "guest"), REJOIN_BACKOFF);
    const bots = fleet;
    const samples: SoakSample[] = [];
    const startedAt = Date.now();
    const churnMs = options.minutes * 60_000;
    let phase: Phase = "warmup";
    const latency = new LatencyHistogram();
    let delivered = 0;
    let collectedAt = 0;

    const takeSample = async () => {
      const taken = mergeStats([((await bots.run({ op: "take" })) as { stats: Parameters<typeof mergeStats>[0][number] }).stats]);
      const interval = new LatencyHistogram();
      for (const window of taken.windows.values()) interval.merge(window.latency);
      latency.merge(interval);
      delivered += interval.toJSON().count;
      const cluster = await sampleCluster(running, redis);
      if (Date.now() - collectedAt >= options.gcSeconds * 1000) {
        collectedAt = Date.now();
        const afterGc = await Promise.all(running.servers.map((server) => heapAfterGcMb(server.child)));
        afterGc.forEach((mb, i) => (cluster.processes[i]!.heapAfterGcMb = mb));
      }
      const sample: SoakSample = {
        t: Math.round((Date.now() - startedAt) / 100) / 10,
        phase,
        chatting: bots.status().chatting,
        delivered: interval.toJSON().count,
        latencyP50: interval.percentile(50),
        latencyP99: interval.percentile(99),
        ...cluster,
      };
      samples.push(sample);
      for (const [name, n] of Object.entries(taken.counts)) counts[name] = (counts[name] ?? 0) + n;
      for (const [name, histogram] of Object.entries(taken.timings)) timings[name] = (timings[name] ?? new LatencyHistogram()).merge(histogram);
      return sample;
    };
    const counts: Record<string, number> = {};
    const timings: Record<string, LatencyHistogram> = {};
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // On a busy machine a scrape can fail now and then; that sample is skipped, not the run.
        const sample = await takeSample().catch((error: unknown) => void log(`sample skipped: ${String(error)}`));
        if (sample && samples.length % 12 === 1) log(describeSample(sample));
        await sleep(options.sampleSeconds * 1000);
      }
    })();

    const connected = await connectCrowd(bots, options.users, log);
    const warmupTimer = setTimeout(() => (phase = "churn"), options.warmupMinutes * 60_000);
    const uploads = startUploads(() => bots.bots, running.address.endpoints, 60_000 / options.uploadsPerMinute);
    const remainingMs = Math.max(10_000, churnMs - (Date.now() - startedAt));
    const [chat, churn] = await Promise.all([
      bots.run({ op: "chat", window: 0, perSecond: 1 / options.messageSeconds, durationMs: remainingMs, length: 64 }),
      bots.run({ op: "churn", periodMs: options.skipSeconds * 1000, durationMs: remainingMs, timeoutMs: 20_000 }),
    ]);
    clearTimeout(warmupTimer);
    const uploadCounts = await uploads.stop();
    if (chat.op !== "chat" || churn.op !== "churn") throw new Error("unexpected reply");

    phase = "drain";
    log("users leaving");
    await bots.run({ op: "close" });
    const drainStart = Date.now();
    let final = await sampleCluster(running, redis);
    while ((!isClean(final) || (await unexplainedKeys(redis, await keyNames(redis), baselineNames)).length > 0) && Date.now() - drainStart < options.drainSeconds * 1000) {
      await sleep(1000);
      final = await sampleCluster(running, redis);
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    sampling = false;
    await sampler;
    const finalNames = await keyNames(redis);
    const leftoverKeys = (await unexplainedKeys(redis, finalNames, baselineNames)).slice(0, 50);
    const finalWithKeys = { ...final, keys: familiesOf(finalNames), untimedKeys: untimedCount(finalNames), drainSeconds, leftoverKeys };
    log(`after the users left (${drainSeconds.toFixed(1)} s): ${JSON.stringify(finalWithKeys)}`);

    const summary = (h: LatencyHistogram) => ({ count: h.toJSON().count, p50: h.percentile(50), p99: h.percentile(99) });
    const result: Omit<SoakResult, "verdict"> = {
      options: { ...options, log: undefined } as Omit<SoakOptions, "log">,
      startedAt: new Date(startedAt).toISOString(),
      baseline,
      samples,
      final: finalWithKeys,
      traffic: {
        connected: connected.connected,
        sent: chat.sent,
        missed: chat.missed,
        delivered,
        skips: churn.skips,
        latency: { p50: latency.percentile(50), p99: latency.percentile(99), max: latency.toJSON().max },
        timings: Object.fromEntries(Object.entries(timings).filter(([, h]) => h.toJSON().count > 0).map(([name, h]) => [name, summary(h)])),
        uploads: uploadCounts,
        counts,
      },
    };
    delete (result.options as Partial<SoakOptions>).log;
    return { ...result, verdict: judge(result) };
  } finally {
    await fleet?.run({ op: "close" }).catch(() => undefined);
    redis.disconnect();
    await target?.stop();
    await redisServer.process.stop();
  }
}

/** Users arrive 10 a second; those that could not get in (a busy machine times joins out) try again, as people would, up to five rounds. */
async function connectCrowd(fleet: BotFleet, users: number, log: (line: string) => void): Promise<{ connected: number; failed: number }> {
  let connected = 0;
  let failed = 0;
  for (let round = 0; round < 5 && connected < users; round++) {
    const reply = await fleet.run({ op: "connect", count: users - connected, perSecond: 10, match: true, keepLobby: false });
    if (reply.op !== "connect") throw new Error("unexpected reply");
    connected += reply.connected;
    failed += reply.failed;
    log(`${connected} users connected, ${failed} attempts failed`);
  }
  return { connected, failed };
}

/**
 * Four users pair, chat, share a file, skip and leave, and the run waits until the
 * cluster is empty again: the keys any traffic creates once (per-address rate-limit
 * counters, statistics) then belong to the baseline, not to what the crowd leaves.
 */
async function firstVisitors(target: RunningTarget, redis: Redis, drainSeconds: number): Promise<void> {
  const fleet = new BotFleet(sdkConnector(target.address.endpoints, "guest"));
  try {
    await fleet.run({ op: "connect", count: 4, perSecond: 4, match: true, keepLobby: false });
    await fleet.run({ op: "awaitPairs", timeoutMs: 15_000 });
    // Several uploads, images through each process: the image screening model is loaded before the crowd comes, not during its trend.
    const uploads = startUploads(() => fleet.bots, target.address.endpoints, 250);
    await fleet.run({ op: "chat", window: 0, perSecond: 2, durationMs: 2500, length: 64 });
    await uploads.stop();
    await fleet.run({ op: "skip", fraction: 1, timeoutMs: 15_000 });
  } finally {
    await fleet.run({ op: "close" });
  }
  const deadline = Date.now() + drainSeconds * 1000;
  while (Date.now() < deadline && !isClean(await sampleCluster(target, redis))) await sleep(500);
}

function isClean(sample: ClusterSample): boolean {
  return sample.uploadsOnDisk === 0 && sample.processes.every((p) => p.chatRooms === 0 && p.lobbyRooms === 0 && p.clients === 0);
}

function describeSample(s: SoakSample): string {
  const processes = s.processes.map((p) => `rss ${p.rssMb.toFixed(0)} MB heap ${p.heapUsedMb.toFixed(0)} MB${p.heapAfterGcMb === undefined ? "" : ` (${p.heapAfterGcMb.toFixed(1)} after GC)`} fds ${p.fds} chats ${p.chatRooms}`).join(" | ");
  return `${s.t.toFixed(0)} s ${s.phase}: ${s.chatting} chatting, ${processes}, redis keys ${s.redisKeys}, uploads ${s.uploadsOnDisk}, p99 ${s.latencyP99.toFixed(0)} ms`;
}
