import type { Plan } from "../plan.ts";
import type { ChatWindow, RampResult } from "../results.ts";

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

export function describeWindow(w: ChatWindow): string {
  return `${Math.round(w.deliveredPerSecond)} msg/s delivered, p50 ${fmt(w.latency.p50)} / p99 ${fmt(w.latency.p99)} ms, lost ${w.lost}, ` +
    `server CPU ${w.cpu.server.toFixed(0)}%, bots CPU ${w.cpu.generator.toFixed(0)}%, bot lag p99 ${fmt(w.generatorLag.p99)} ms`;
}

/** Why a stepped scenario should not go further, if it should not. */
export function stopReason(window: ChatWindow, ramp: RampResult | undefined, failuresInARow: number, plan: Plan): string | undefined {
  if (failuresInARow >= 2) return `two steps in a row over the goal (p99 ≥ ${plan.latencyGoalMs} ms or loss)`;
  if (window.latency.p99 > 10 * plan.latencyGoalMs) return `p99 ${fmt(window.latency.p99)} ms, far over the goal`;
  if (window.sent > 0 && window.lost / window.sent > 0.05) return `${window.lost} of ${window.sent} messages lost`;
  if (window.sent > 0 && window.missed / (window.sent + window.missed) > 0.1) return "the bots could not send at the asked rate";
  if (ramp && ramp.failed > 0.05 * ramp.clients) return `${ramp.failed} of ${ramp.clients} joins failed`;
  return undefined;
}
