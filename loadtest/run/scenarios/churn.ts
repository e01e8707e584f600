import { setTimeout as sleep } from "node:timers/promises";
import { heldApart, type Reply } from "../../bots/commands.ts";
import { LatencyHistogram } from "../../metrics/histogram.ts";
import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { ChurnStep } from "../results.ts";
import type { Session } from "../session.ts";

/** How long the bots wait, after a step, for the last skippers to be seated again. */
const REMATCH_TIMEOUT_MS = 15_000;

type Churned = Extract<Reply, { op: "churn" }>;

/**
 * (h): random chat as it is used. Clients are added step by step; at each step every
 * pair chats for the plan's period, then one side skips (`chat:leave`) and both go
 * back to the lobby for the next stranger, over and over. Each step reports the
 * re-matches per second it sustained, the time from a skip to the next chat, and the
 * server's CPU per re-match.
 */
export async function runChurn(session: Session, plan: Plan): Promise<ChurnStep[]> {
  const { periodMs, warmupMs, measureMs } = plan.churn;
  const steps: ChurnStep[] = [];
  let current = 0;
  for (const clients of plan.churn.steps) {
    const ramp = await session.ramp(clients - current, plan.rampPerSecond, true);
    current = clients;
    const churning = session.pool.all<Churned>({ op: "churn", periodMs, durationMs: warmupMs + measureMs, timeoutMs: REMATCH_TIMEOUT_MS });
    await sleep(warmupMs);
    const window = await session.measure(() => sleep(measureMs));
    const replies = await churning;
    // Skips still in flight when the window closed finish now: their times count too, or the tail would be cut off.
    const tail = await session.take();
    const rematches = window.stats.timings.rematch.count / 2;
    const step: ChurnStep = {
      clients,
      periodMs,
      ramp,
      skips: replies.reduce((sum, r) => sum + r.skips, 0),
      rematches,
      rematchesPerSecond: rematches / window.cost.seconds,
      offeredPerSecond: clients / 2 / (periodMs / 1000),
      skipToChat: new LatencyHistogram().merge(window.stats.timings.skipToChat).merge(tail.stats.timings.skipToChat).summary(),
      rematch: new LatencyHistogram().merge(window.stats.timings.rematch).merge(tail.stats.timings.rematch).summary(),
      unfinished: replies.reduce((sum, r) => sum + r.unfinished.length, 0),
      heldApart: heldApart(replies.flatMap((r) => r.unfinished)),
      cost: window.cost,
      problems: sumCounts(window.stats.counts, tail.stats.counts),
    };
    steps.push(step);
    say(`  ${clients} clients: ${describeStep(step)}`);
    if (step.unfinished - step.heldApart > 0.05 * clients) {
      say(`  stopping: ${step.unfinished} clients not seated again`);
      break;
    }
  }
  return steps;
}

function describeStep(s: ChurnStep): string {
  const perRematch = s.rematches > 0 ? ((s.cost.cpu.server / 100) * s.cost.seconds * 1000) / s.rematches : 0;
  return `${s.rematchesPerSecond.toFixed(0)} re-matches/s (${s.offeredPerSecond.toFixed(0)} offered), skip → next chat p50 ${s.skipToChat.p50.toFixed(0)} / p99 ${s.skipToChat.p99.toFixed(0)} ms, ` +
    `${s.unfinished} not seated again (${s.heldApart} held apart from their last partner), server CPU ${s.cost.cpu.server.toFixed(0)}% (${perRematch.toFixed(2)} ms per re-match), bots CPU ${s.cost.cpu.generator.toFixed(0)}%, bot lag p99 ${s.cost.generatorLag.p99.toFixed(0)} ms`;
}

function sumCounts(...all: Array<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const counts of all) for (const [name, n] of Object.entries(counts)) sum[name] = (sum[name] ?? 0) + n;
  return sum;
}
