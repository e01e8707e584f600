import { setTimeout as sleep } from "node:timers/promises";
import type { Reply } from "../../bots/commands.ts";
import { epochMs } from "../../bots/clock.ts";
import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { BurstResult, BurstRun } from "../results.ts";
import type { Session } from "../session.ts";

const GO_DELAY_MS = 500;
const MATCH_TIMEOUT_MS = 30_000;

/** (c): everyone waits in the lobby, then all ask for a partner at the same instant. */
export async function runBurst(session: Session, plan: Plan): Promise<BurstResult> {
  const ramp = await session.ramp(plan.burst.clients, plan.rampPerSecond, false);
  say(`  ${ramp.clients - ramp.failed} clients in the lobby (${ramp.achievedPerSecond.toFixed(0)} joins/s)`);
  await sleep(plan.settleMs);
  const go = epochMs() + GO_DELAY_MS;
  const matching = session.pool.all<Extract<Reply, { op: "matchAll" }>>({ op: "matchAll", atEpochMs: go, timeoutMs: MATCH_TIMEOUT_MS });
  // Measured from the go signal on: the workers hold their requests until then.
  await sleep(Math.max(0, go - epochMs()));
  const { value, cost, stats } = await session.measure(() => matching);
  const requested = value.reduce((sum, r) => sum + r.requested, 0);
  const matched = value.reduce((sum, r) => sum + r.matched, 0);
  const lastSeatedAt = Math.max(...value.map((r) => r.lastSeatedAt));
  const seconds = matched > 0 ? (lastSeatedAt - go) / 1000 : cost.seconds;
  const pairs = Math.floor(matched / 2);
  const result: BurstResult = {
    clients: plan.burst.clients,
    ramp,
    requested,
    matched,
    pairs,
    seconds,
    pairsPerSecond: seconds > 0 ? pairs / seconds : 0,
    timeToMatch: stats.timings.match.summary(),
    timeToNotice: stats.timings.matchNotice.summary(),
    cost,
    problems: stats.counts,
  };
  say(`  ${pairs} pairs in ${seconds.toFixed(2)} s = ${result.pairsPerSecond.toFixed(0)} pairs/s; time to match p50 ${result.timeToMatch.p50.toFixed(0)} / p99 ${result.timeToMatch.p99.toFixed(0)} ms (matched notice p50 ${result.timeToNotice.p50.toFixed(0)} / p99 ${result.timeToNotice.p99.toFixed(0)} ms); ${requested - matched} unmatched`);
  return result;
}

/** Server CPU time per pair formed, from the go signal to the last bot seated (every process and Redis included). */
export function serverCpuMsPerPair(r: BurstResult): number {
  return r.pairs > 0 ? ((r.cost.cpu.server / 100) * r.cost.seconds * 1000) / r.pairs : 0;
}

/** The rounds of one target as one run: the median round by pairs/s (the lower of the middle two), every round beside it. */
export function medianRound(rounds: BurstRun[]): BurstRun {
  const measured = rounds.filter((run) => run.result);
  if (measured.length === 0) return rounds[0]!;
  const sorted = [...measured].sort((a, b) => a.result!.pairsPerSecond - b.result!.pairsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    rounds: measured.map(({ result: r }) => ({ pairsPerSecond: r!.pairsPerSecond, p99: r!.timeToMatch.p99, serverCpuMsPerPair: serverCpuMsPerPair(r!) })),
  };
}
