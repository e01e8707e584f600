import { Redis } from "ioredis";
import { costBetween, readRedisCost, totalCommands, type RedisCost } from "../../tests/helpers/redis-cost.ts";

/** Commands that read a whole key however large it is; a range read counts when it asks for everything (`0 -1`, `-inf +inf` without LIMIT). */
const WHOLE_READS = new Set(["hgetall", "hkeys", "hvals", "smembers", "sunion", "sinter", "keys", "scan", "hscan", "sscan", "zscan"]);
const RANGE_READS = new Set(["zrange", "zrevrange", "lrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "xrange", "xrevrange"]);

function readsWhole(args: string[]): boolean {
  const name = args[0]!.toLowerCase();
  if (WHOLE_READS.has(name)) return true;
  if (!RANGE_READS.has(name)) return false;
  const rest = args.slice(2).map((a) => a.toLowerCase());
  if (rest.includes("limit")) return false;
  const [from, to] = rest;
  return (from === "0" && to === "-1") || ((from === "-inf" || from === "+inf") && (to === "+inf" || to === "-inf")) || (from === "-" && to === "+");
}

const NO_KEY = new Set(["multi", "exec", "time", "ping", "echo", "script", "pubsub", "client", "config"]);

/** The key a command names, with its ids blanked, so that commands group by what they touch. */
function keyPattern(name: string, args: string[]): string {
  if (NO_KEY.has(name)) return "";
  const key = name === "evalsha" || name === "eval" ? (Number(args[2]) > 0 ? args[3] : `(no keys) ${args[3] ?? ""}`) : args[1];
  return (key ?? "").replace(/[A-Za-z0-9_-]{9,}|\d+/g, (m) => (/^\d+$/.test(m) ? "<n>" : /[a-z]/.test(m) && /^[a-z_-]+$/.test(m) ? m : "<id>"));
}

/** What Redis did over one phase: every command (INFO commandstats, commands run by scripts included), round trips, and whole-collection reads seen. */
export interface RedisPhaseCost {
  commands: Record<string, number>;
  total: number;
  /** Commands sent by clients (a script call counts once); the rest ran inside Lua scripts. */
  roundTrips: number;
  /** Whole-collection reads by command and key pattern, with an example of each as MONITOR showed it. */
  wholeReads: Record<string, { calls: number; example: string }>;
  /** Calls by command and key pattern (ids replaced by `<id>`), scripts by the first key they were given: where the commands come from. */
  byKey: Record<string, number>;
  outputBytes: number;
}

/**
 * Watches a Redis through INFO commandstats (what was run) and MONITOR (who ran it, with
 * which arguments), so a phase can be charged for its commands, round trips and any read
 * of a whole collection, whoever made it: Pairline, Colyseus's presence or its driver.
 */
export class RedisWatch {
  readonly #probe: Redis;
  readonly #monitor: Redis;
  #roundTrips = 0;
  #whole = new Map<string, { calls: number; example: string }>();
  #byKey = new Map<string, number>();
  #before?: RedisCost;

  private constructor(probe: Redis, monitor: Redis) {
    this.#probe = probe;
    this.#monitor = monitor;
    monitor.on("monitor", (_time: string, args: string[], source: string) => this.#seen(args, source));
  }

  static async open(url: string): Promise<RedisWatch> {
    // A lost connection at the end of a scenario (Redis stopped first) is no failure of the bench.
    const probe = new Redis(url).on("error", () => undefined);
    const monitor = (await new Redis(url).on("error", () => undefined).monitor()).on("error", () => undefined);
    return new RedisWatch(probe, monitor);
  }

  #seen(args: string[], source: string): void {
    const name = args[0]?.toLowerCase();
    if (!name || name === "info" || name === "monitor") return;
    if (source !== "lua") this.#roundTrips += 1;
    const pattern = `${name}${source === "lua" ? " (in a script)" : ""} ${keyPattern(name, args)}`.trim();
    this.#byKey.set(pattern, (this.#byKey.get(pattern) ?? 0) + 1);
    if (!readsWhole(args)) return;
    const key = pattern;
    const seen = this.#whole.get(key) ?? { calls: 0, example: args.slice(0, 4).join(" ").slice(0, 120) };
    seen.calls += 1;
    this.#whole.set(key, seen);
  }

  async start(): Promise<void> {
    await this.#settled();
    this.#roundTrips = 0;
    this.#whole = new Map();
    this.#byKey = new Map();
    this.#before = await readRedisCost(this.#probe);
  }

  async stop(): Promise<RedisPhaseCost> {
    const cost = costBetween(this.#before!, await readRedisCost(this.#probe));
    await this.#settled();
    return { commands: cost.commands, total: totalCommands(cost), roundTrips: this.#roundTrips, wholeReads: Object.fromEntries(this.#whole), byKey: Object.fromEntries(this.#byKey), outputBytes: cost.outputBytes };
  }

  /** MONITOR lines arrive after the commands ran: a PING through the monitored Redis marks where a phase's lines end. */
  async #settled(): Promise<void> {
    const marker = `pairline-bench-mark-${Math.random()}`;
    await new Promise<void>((resolve) => {
      const onLine = (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === "echo" && args[1] === marker) {
          this.#monitor.off("monitor", onLine);
          resolve();
        }
      };
      this.#monitor.on("monitor", onLine);
      void this.#probe.echo(marker);
    });
    this.#roundTrips -= 1; // the marker itself
  }

  close(): void {
    this.#monitor.disconnect();
    this.#probe.disconnect();
  }
}
