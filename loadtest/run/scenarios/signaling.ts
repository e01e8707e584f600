import { setTimeout as sleep } from "node:timers/promises";
import type { Reply } from "../../bots/commands.ts";
import { CALL_CANDIDATES_PER_SIDE } from "../../bots/call-script.ts";
import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { SignalingResult } from "../results.ts";
import type { Session } from "../session.ts";

/** The SDK reconnects by itself only after a room has been up this long. */
const SDK_MIN_UPTIME_MS = 5500;
const TIMEOUT_MS = 20_000;

type Started = Extract<Reply, { op: "call" | "drop" | "skip" }>;

const total = (replies: Started[]) => ({
  started: replies.reduce((sum, r) => sum + r.started, 0),
  finished: replies.reduce((sum, r) => sum + r.finished, 0),
});

/**
 * Everything but text: every pair sets up a video call (offer, answer, trickled ICE),
 * then half the pairs lose a connection and reconnect, then half skip to a new stranger.
 */
export async function runSignaling(session: Session, plan: Plan): Promise<SignalingResult> {
  const ramp = await session.ramp(plan.signaling.clients, plan.rampPerSecond, true);
  const pairedAt = performance.now();

  const call = await session.measure(() => session.pool.all<Started>({ op: "call", timeoutMs: TIMEOUT_MS }), 500);
  const calls = total(call.value);
  const iceReceived = call.stats.counts["ice candidates received"] ?? 0;
  say(`  calls: ${calls.finished}/${calls.started} set up, p50 ${call.stats.timings.callSetup.percentile(50).toFixed(0)} / p99 ${call.stats.timings.callSetup.percentile(99).toFixed(0)} ms; ICE ${iceReceived}/${calls.started * 2 * CALL_CANDIDATES_PER_SIDE}`);

  await sleep(Math.max(0, SDK_MIN_UPTIME_MS - (performance.now() - pairedAt)));
  const drop = await session.measure(() => session.pool.all<Started>({ op: "drop", fraction: 0.5, timeoutMs: TIMEOUT_MS }));
  const drops = total(drop.value);
  say(`  reconnects: ${drops.finished}/${drops.started}, p50 ${drop.stats.timings.reconnect.percentile(50).toFixed(0)} / p99 ${drop.stats.timings.reconnect.percentile(99).toFixed(0)} ms`);

  const skip = await session.measure(() => session.pool.all<Started>({ op: "skip", fraction: 0.5, timeoutMs: TIMEOUT_MS }));
  const skips = total(skip.value);
  say(`  skips: ${skips.finished}/${skips.started} matched again, p50 ${skip.stats.timings.rematch.percentile(50).toFixed(0)} / p99 ${skip.stats.timings.rematch.percentile(99).toFixed(0)} ms`);

  const problems: Record<string, number> = {};
  for (const phase of [call, drop, skip]) {
    for (const [name, n] of Object.entries(phase.stats.counts)) {
      if (name !== "ice candidates received" && name !== "calls started") problems[name] = (problems[name] ?? 0) + n;
    }
  }
  return {
    clients: plan.signaling.clients,
    ramp,
    calls: { ...calls, setup: call.stats.timings.callSetup.summary(), iceExpected: calls.started * 2 * CALL_CANDIDATES_PER_SIDE, iceReceived, cost: call.cost },
    reconnects: { ...drops, time: drop.stats.timings.reconnect.summary(), cost: drop.cost },
    skips: { ...skips, rematch: skip.stats.timings.rematch.summary(), cost: skip.cost },
    problems,
  };
}
