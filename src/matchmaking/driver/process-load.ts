import { matchMaker } from "@colyseus/core";
import type { Redis } from "ioredis";

/** Colyseus's registry of live processes (`processId → "rooms,ccu"`); a process leaves it when shut down or found dead. */
const LIVE_PROCESSES_KEY = "roomcount";
/** How many of the least loaded processes one pick looks at before giving up on finding a live one. */
const CANDIDATES = 8;

/**
 * Takes the least loaded live process and counts the room about to be placed there, in
 * one step: a burst of rooms is spread at once instead of waiting for each process to
 * publish its room count. A process found dead is dropped; one whose reports lapsed (cut
 * off, or stalled) is passed over until it reports again. KEYS load, live, heard; ARGV
 * lapsed-before; returns the id or nil.
 */
const PICK = `
local cutoff = tonumber(ARGV[1])
for _, pid in ipairs(redis.call('ZRANGE', KEYS[1], 0, ${CANDIDATES - 1})) do
  if redis.call('HEXISTS', KEYS[2], pid) == 1 then
    local heard = redis.call('ZSCORE', KEYS[3], pid)
    if not heard or tonumber(heard) >= cutoff then
      redis.call('ZINCRBY', KEYS[1], 1, pid)
      return pid
    end
  else
    redis.call('ZREM', KEYS[1], pid)
  end
end
return false
`;

/**
 * A process says it is running (heard at ARGV now) and, if live, states its true room count
 * (correcting picks that never became rooms); the answer is the processes whose reports
 * lapsed (a bounded range by score). KEYS load, live, heard; ARGV pid ('' for none), rooms,
 * now, lapsed-before, count.
 */
const REPORT = `
local pid = ARGV[1]
if pid ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[3], pid)
  if redis.call('HEXISTS', KEYS[2], pid) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[2], pid)
  else
    redis.call('ZREM', KEYS[1], pid)
  end
end
return redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
`;

/** Colyseus's channel on which a process answers requests from the others. */
const processChannel = (id: string) => `p:${id}`;
/** Processes not heard of for this many report intervals are looked at (their channel then says whether they are dead). */
const SILENT_AFTER_REPORTS = 1.5;
/** Processes looked at per call: the others wait for the next call. */
const SILENT_PER_CALL = 8;
/**
 * Processes not heard of for this many report intervals take no new users: a process cut
 * off from the network still looks subscribed to Redis (its connection is not closed) and
 * cannot be found dead, but a join sent to it only times out. A live process passed over
 * by mistake (its event loop stalled) costs a lobby opened elsewhere.
 */
const LAPSED_AFTER_REPORTS = 2;
/** Lapsed processes remembered per report: enough for any deployment, bounded for the read. */
const LAPSED_PER_REPORT = 64;

/**
 * Where new rooms go across processes: the process with the fewest rooms, counted in
 * Redis as rooms are placed (a sorted set of processes by load, O(log processes) per
 * pick, never a read per room). Each process reports its real count every second.
 */
export class ProcessLoad {
  readonly #client: Redis;
  readonly #loadKey: string;
  /** Processes by when they last reported: the silent ones are found without reading the others. */
  readonly #heardKey: string;
  readonly #reportEveryMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Processes whose reports had lapsed at this process's last report. */
  #lapsed = new Set<string>();

  constructor(client: Redis, prefix: string, reportEveryMs = 1000) {
    this.#client = client;
    this.#loadKey = `${prefix}:load`;
    this.#heardKey = `${prefix}:heard`;
    this.#reportEveryMs = reportEveryMs;
    client.defineCommand("pairlinePickProcess", { numberOfKeys: 3, lua: PICK });
    client.defineCommand("pairlineReportLoad", { numberOfKeys: 3, lua: REPORT });
  }

  /** Colyseus's `selectProcessIdToCreateRoom`: the least loaded live process, else this one. */
  readonly pick = async (): Promise<string> => {
    const picked = (await (this.#client as any).pairlinePickProcess(this.#loadKey, LIVE_PROCESSES_KEY, this.#heardKey, this.#lapsedBefore(Date.now()))) as string | null;
    return picked ?? matchMaker.processId;
  };

  /** This process's room count, if Colyseus lists it among the live processes; and which processes lapsed meanwhile. */
  async report(now = Date.now()): Promise<void> {
    const processId = matchMaker.processId ?? "";
    const rooms = processId ? matchMaker.stats.local.roomCount : 0;
    const lapsed = (await (this.#client as any).pairlineReportLoad(
      this.#loadKey,
      LIVE_PROCESSES_KEY,
      this.#heardKey,
      processId,
      rooms,
      now,
      this.#lapsedBefore(now),
      LAPSED_PER_REPORT,
    )) as string[];
    this.#lapsed = new Set(lapsed.filter((id) => id !== processId));
  }

  /** True if the process had not reported for a while at the last report: no join is sent there. */
  hasLapsed(processId: string | undefined): boolean {
    return processId !== undefined && this.#lapsed.has(processId);
  }

  #lapsedBefore(now: number): number {
    return now - LAPSED_AFTER_REPORTS * this.#reportEveryMs;
  }

  /**
   * Processes that stopped reporting and that nobody hears on their channel: likely dead.
   * Reads only the processes silent for a few reports (a range by score, with a limit).
   */
  async silent(now = Date.now()): Promise<string[]> {
    const cutoff = now - SILENT_AFTER_REPORTS * this.#reportEveryMs;
    const quiet = (await this.#client.zrangebyscore(this.#heardKey, "-inf", cutoff, "LIMIT", 0, SILENT_PER_CALL)).filter((id) => id !== matchMaker.processId);
    if (quiet.length === 0) return [];
    const listeners = (await this.#client.pubsub("NUMSUB", ...quiet.map(processChannel))) as Array<string | number>;
    return quiet.filter((_, i) => Number(listeners[2 * i + 1]) === 0);
  }

  /** Forgets a process found dead: it is no longer looked at, nor given rooms. */
  async forget(processId: string): Promise<void> {
    await this.#client.multi().zrem(this.#heardKey, processId).zrem(this.#loadKey, processId).exec();
  }

  start(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.report().catch(() => undefined), this.#reportEveryMs);
    this.#timer.unref();
  }

  /** Stops reporting and takes this process out of the placement at once (it takes no new rooms while it shuts down). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (matchMaker.processId) await this.forget(matchMaker.processId).catch(() => undefined);
  }
}
