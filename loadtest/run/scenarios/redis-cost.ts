import { setTimeout as sleep } from "node:timers/promises";
import type { Challenge } from "altcha-lib";
import { solveGuestChallenge } from "../../../src/auth/guest-challenge-solver.ts";
import type { Reply } from "../../bots/commands.ts";
import { driverCost, type DriverCostRow } from "../../driver-cost.ts";
import { queueCost, type QueueCostRow } from "../../queue-cost.ts";
import { epochMs } from "../../bots/clock.ts";
import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import { RedisWatch, type RedisPhaseCost } from "../redis-watch.ts";
import type { Session } from "../session.ts";

/** REST reads a client makes while it waits or browses; each is asked `plan.redisCost.requests` times. */
const REST_READS = ["/api/users/online?limit=20", "/api/users/available?limit=20", "/api/users/stats", "/api/socket/stats"] as const;
/** A client left without a partner (an odd count after failed joins) must not hold the phase open for long. */
const MATCH_TIMEOUT_MS = 8_000;

export interface RedisCostPhase extends RedisPhaseCost {
  phase: string;
  /** What the phase's cost is divided by, and its name (joins, pairs, requests, seconds). */
  per: { count: number; unit: string };
  seconds: number;
}

export interface RedisCostResult {
  clients: number;
  pairs: number;
  phases: RedisCostPhase[];
  /** Two joins, the match with both chat joins, and two leaves: 2 × per join + per pair + 2 × per leave. */
  perPair: { total: number; roundTrips: number; wholeReads: number; commands: Record<string, number> };
  /** One enqueue + match against queues of growing length (local and Redis), and a lobby join beside growing numbers of live chats. */
  queue: QueueCostRow[];
  driver: DriverCostRow[];
}

async function phase(watch: RedisWatch, name: string, unit: string, work: () => Promise<number>): Promise<RedisCostPhase> {
  await watch.start();
  const started = performance.now();
  const count = await work();
  const seconds = (performance.now() - started) / 1000;
  const cost = await watch.stop();
  const result = { phase: name, per: { count, unit }, seconds, ...cost };
  const wholeReads = Object.values(cost.wholeReads).reduce((sum, w) => sum + w.calls, 0);
  say(`  ${name}: ${cost.total} commands (${cost.roundTrips} round trips) for ${count} ${unit} = ${(cost.total / Math.max(1, count)).toFixed(1)} per ${unit.replace(/s$/, "")}; whole-collection reads: ${wholeReads}`);
  return result;
}

/** A guest token, the challenge solved when the server asks one (as the bots do). */
async function guestToken(endpoint: string): Promise<string> {
  const challenge = await fetch(`${endpoint}/api/auth/challenge`);
  const altcha = challenge.status === 404 ? undefined : await solveGuestChallenge(((await challenge.json()) as { data: { challenge: Challenge } }).data.challenge);
  const response = await fetch(`${endpoint}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(altcha ? { altcha } : {}) });
  const body = (await response.json()) as { data?: { token?: string } };
  if (!body.data?.token) throw new Error(`no guest token: ${JSON.stringify(body).slice(0, 200)}`);
  return body.data.token;
}

/**
 * Redis cost per operation, with Pairline on several processes and a private Redis:
 * clients join (guest token + lobby), all ask for a partner at once and take their chat
 * seats, then leave; the REST reads a client makes are asked one at a time; and an idle
 * spell shows what the processes' timers cost per second. Each phase is charged every
 * command Redis ran meanwhile (INFO commandstats), its round trips and any read of a whole
 * collection (MONITOR), Colyseus's presence and driver included.
 */
export async function runRedisCost(session: Session, plan: Plan): Promise<RedisCostResult> {
  if (!session.redis) throw new Error("the Redis cost scenario needs several processes and their Redis");
  const { clients, requests, idleMs } = plan.redisCost;
  const watch = await RedisWatch.open(session.redis.url);
  try {
    const phases: RedisCostPhase[] = [];
    await sleep(plan.settleMs);
    phases.push(await phase(watch, "idle (timers of every process)", "seconds", async () => (await sleep(idleMs), idleMs / 1000)));
    phases.push(await phase(watch, "join: guest token + lobby join", "joins", async () => {
      const ramp = await session.ramp(clients, plan.rampPerSecond, false);
      return ramp.clients - ramp.failed;
    }));
    let pairs = 0;
    phases.push(await phase(watch, "match + both chat joins", "pairs", async () => {
      const replies = await session.pool.all<Extract<Reply, { op: "matchAll" }>>({ op: "matchAll", atEpochMs: epochMs() + 200, timeoutMs: MATCH_TIMEOUT_MS });
      pairs = Math.floor(replies.reduce((sum, r) => sum + r.matched, 0) / 2);
      await sleep(plan.settleMs); // the lobby leaves that follow each seat
      return pairs;
    }));
    phases.push(await phase(watch, "leave (chat, or lobby when unmatched)", "clients", async () => {
      const status = await session.status();
      const joined = status.lobby + status.waiting + status.chatting;
      await session.pool.all({ op: "close" });
      await sleep(plan.settleMs); // room disposal and presence release
      return joined;
    }));
    const endpoints = session.target.address.endpoints;
    const token = await guestToken(endpoints[0]!);
    for (const path of REST_READS) {
      phases.push(await phase(watch, `GET ${path.split("?")[0]}`, "requests", async () => {
        for (let i = 0; i < requests; i++) {
          const response = await fetch(`${endpoints[i % endpoints.length]}${path}`, { headers: { authorization: `Bearer ${token}` } });
          if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
          await response.arrayBuffer();
        }
        return requests;
      }));
    }
    const perPair = pairCost(phases.slice(1, 4));
    say(`  per pair: ${perPair.total.toFixed(1)} commands, ${perPair.roundTrips.toFixed(1)} round trips, ${perPair.wholeReads.toFixed(2)} whole-collection reads`);
    return { clients, pairs, phases, perPair, ...(await costProbes(plan)) };
  } finally {
    watch.close();
  }
}

/** How many of each phase's unit one pair takes: two joins, one match, two clients leaving. */
export const PER_PAIR_WEIGHTS = [2, 1, 2] as const;

/** A pair's share of the join, match and leave phases: failed joins and clients left unmatched do not inflate it. */
function pairCost([join, match, leave]: RedisCostPhase[]): RedisCostResult["perPair"] {
  const parts = [join!, match!, leave!].map((p, i) => ({ p, weight: PER_PAIR_WEIGHTS[i]! / Math.max(1, p.per.count) }));
  const sum = (of: (p: RedisCostPhase) => number) => parts.reduce((total, { p, weight }) => total + of(p) * weight, 0);
  const commands: Record<string, number> = {};
  for (const { p, weight } of parts) for (const [name, calls] of Object.entries(p.commands)) commands[name] = (commands[name] ?? 0) + calls * weight;
  return {
    total: sum((p) => p.total),
    roundTrips: sum((p) => p.roundTrips),
    wholeReads: sum((p) => Object.values(p.wholeReads).reduce((s, w) => s + w.calls, 0)),
    commands,
  };
}

/** The queue and driver probes, each on its own private Redis: how one operation's cost grows with the crowd. */
async function costProbes(plan: Plan): Promise<{ queue: QueueCostRow[]; driver: DriverCostRow[] }> {
  const { queueSizes, queueOps, driverChats, driverJoins } = plan.redisCost;
  const queue = await queueCost(queueSizes, queueOps);
  for (const row of queue) say(`  enqueue + match, ${row.queue}, ${row.waiting} waiting: ${row.microsPerOp.toFixed(0)} µs${row.commandsPerOp === undefined ? "" : `, ${row.commandsPerOp.toFixed(1)} commands`}`);
  const driver = await driverCost(driverChats, driverJoins);
  for (const row of driver) say(`  lobby join, ${row.driver}, ${row.chats} live chats: ${row.commandsPerJoin.toFixed(1)} commands, ${row.wholeCollectionPerJoin.toFixed(1)} whole-collection reads`);
  return { queue, driver };
}
