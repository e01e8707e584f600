import { setTimeout as sleep } from "node:timers/promises";
import { mergeStats, WindowCounts, type MergedStats } from "../bots/bot-stats.ts";
import type { FleetStatus, LoopLag, Reply } from "../bots/commands.ts";
import { CpuMeter } from "../metrics/cpu-meter.ts";
import { openFds, rssBytes } from "../metrics/proc-stats.ts";
import { launchTarget, type LaunchOptions, type RunningTarget } from "../targets/launch.ts";
import { startRedis, type RunningRedis } from "../targets/redis.ts";
import { status } from "./progress.ts";
import type { PhaseCost, RampResult } from "./results.ts";
import { WorkerPool } from "./worker-pool.ts";

type Of<K extends Reply["op"]> = Extract<Reply, { op: K }>;

export interface SessionOptions extends Omit<LaunchOptions, "redisUrl"> {
  workers: number;
  /** Bots stay in the lobby while they chat (two sockets each) instead of leaving it once seated. */
  keepLobby: boolean;
}

/** One fresh server (or several, with their Redis) and a fresh pool of bot workers, for one scenario. */
export class Session {
  readonly target: RunningTarget;
  readonly pool: WorkerPool;
  readonly redis?: RunningRedis;
  readonly baseRssBytes: number;
  readonly keepLobby: boolean;
  /** Every chat window's counters over the whole session: a message that arrives late still counts for its window. */
  readonly windowTotals = new Map<number, WindowCounts>();
  readonly #meter: CpuMeter;

  private constructor(target: RunningTarget, pool: WorkerPool, redis: RunningRedis | undefined, keepLobby: boolean) {
    this.target = target;
    this.keepLobby = keepLobby;
    this.pool = pool;
    this.redis = redis;
    this.#meter = new CpuMeter(() => ({ server: this.serverPids, generator: [...pool.pids, process.pid] }));
    this.baseRssBytes = this.serverRss();
  }

  static async open(options: SessionOptions): Promise<Session> {
    const redis = options.processes > 1 ? await startRedis() : undefined;
    let target: RunningTarget | undefined;
    try {
      target = await launchTarget({ ...options, redisUrl: redis?.url });
      const pool = await WorkerPool.start(options.workers, target.address);
      return new Session(target, pool, redis, options.keepLobby);
    } catch (error) {
      await target?.stop();
      await redis?.process.stop();
      throw error;
    }
  }

  /** Server processes, Redis included: everything that serves the clients. */
  get serverPids(): number[] {
    return [...this.target.servers.map((s) => s.pid), ...(this.redis ? [this.redis.process.pid] : [])];
  }

  get commands(): string[] {
    return [...(this.redis ? [this.redis.command] : []), ...this.target.commands];
  }

  serverRss(): number {
    return this.serverPids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  }

  serverFds(): number {
    return this.target.servers.reduce((sum, s) => sum + openFds(s.pid), 0);
  }

  serverProblems(): number {
    return this.target.servers.reduce((sum, s) => sum + s.problems(), 0);
  }

  /**
   * Runs `phase` while measuring CPU. The bots' stats and loop lag are taken (and
   * reset) after it, or `settleMs` later, so that what was in flight arrives too.
   */
  async measure<T>(phase: () => Promise<T>, settleMs = 0): Promise<{ value: T; cost: PhaseCost; stats: MergedStats }> {
    await this.take();
    this.#meter.start();
    const startedAt = performance.now();
    const value = await phase();
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = this.#meter.stop();
    if (settleMs > 0) await sleep(settleMs);
    const { stats, lag } = await this.take();
    return { value, cost: { seconds, cpu, generatorLag: lag }, stats };
  }

  async take(): Promise<{ stats: MergedStats; lag: LoopLag }> {
    const replies = await this.pool.all<Of<"take">>({ op: "take" });
    const lag = replies.reduce<LoopLag>((worst, r) => ({ p50: Math.max(worst.p50, r.lag.p50), p99: Math.max(worst.p99, r.lag.p99), max: Math.max(worst.max, r.lag.max) }), { p50: 0, p99: 0, max: 0 });
    const stats = mergeStats(replies.map((r) => r.stats));
    for (const [id, counts] of stats.windows) {
      const total = this.windowTotals.get(id) ?? new WindowCounts();
      this.windowTotals.set(id, total.add(counts.toJSON()));
    }
    return { stats, lag };
  }

  async status(): Promise<FleetStatus> {
    const replies = await this.pool.all<Of<"status">>({ op: "status" });
    return replies.reduce((sum, r) => ({
      bots: sum.bots + r.status.bots,
      lobby: sum.lobby + r.status.lobby,
      waiting: sum.waiting + r.status.waiting,
      chatting: sum.chatting + r.status.chatting,
      closed: sum.closed + r.status.closed,
    }), { bots: 0, lobby: 0, waiting: 0, chatting: 0, closed: 0 });
  }

  /**
   * Adds `count` clients at `perSecond` joins per second (token, then lobby); with
   * `match`, each asks for a partner as soon as it is in, and the ramp ends when all
   * are seated.
   */
  async ramp(count: number, perSecond: number, match: boolean, pairTimeoutMs = 30_000): Promise<RampResult> {
    const keepLobby = this.keepLobby;
    const share = this.pool.share(count);
    const { value, cost, stats } = await this.measure(async () => {
      const watching = this.#watch((s) => `joining: ${s.bots} started, ${s.lobby + s.waiting + s.chatting} in, ${s.chatting} chatting, ${s.closed} failed`);
      try {
        const startedAt = performance.now();
        const replies = await this.pool.each<Of<"connect">>((w) => ({ op: "connect", count: share(w), perSecond: Math.max(1, perSecond / this.pool.size), match, keepLobby }));
        const joinSeconds = (performance.now() - startedAt) / 1000;
        if (match) await this.pool.all({ op: "awaitPairs", timeoutMs: pairTimeoutMs });
        return { failed: replies.reduce((sum, r) => sum + r.failed, 0), joinSeconds };
      } finally {
        watching.stop();
      }
    });
    return {
      ...cost,
      clients: count,
      targetPerSecond: perSecond,
      achievedPerSecond: value.joinSeconds > 0 ? (count - value.failed) / value.joinSeconds : 0,
      failed: value.failed,
      token: stats.timings.token.summary(),
      lobby: stats.timings.lobby.summary(),
      match: stats.timings.match.summary(),
      problems: stats.counts,
    };
  }

  #watch(describe: (s: FleetStatus) => string): { stop(): void } {
    let stopped = false;
    void (async () => {
      while (!stopped) {
        await sleep(1000);
        if (!stopped) status(describe(await this.status()));
      }
    })();
    return { stop: () => void (stopped = true) };
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.pool.all({ op: "close" }), sleep(15_000)]);
    } catch {
      // workers that already died have nothing to close
    }
    this.pool.stop();
    await this.target.stop();
    await this.redis?.process.stop();
  }
}
