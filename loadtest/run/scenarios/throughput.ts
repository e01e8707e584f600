import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { ChatWindow, RampResult } from "../results.ts";
import type { Session } from "../session.ts";
import { chatWindow, meetsGoal, settleWindows } from "./chat-window.ts";
import { describeWindow, stopReason } from "./verdicts.ts";

/** (b): a fixed crowd of paired clients sends faster and faster; each rate is one measured window. */
export async function runThroughput(session: Session, plan: Plan): Promise<{ ramp: RampResult; steps: ChatWindow[] }> {
  const ramp = await session.ramp(plan.throughput.clients, plan.rampPerSecond, true);
  say(`  ${ramp.clients} clients in (${ramp.achievedPerSecond.toFixed(0)} joins/s, ${ramp.failed} failed)`);
  const steps: ChatWindow[] = [];
  let failures = 0;
  for (const perClient of plan.throughput.perClient) {
    const window = await chatWindow(session, plan, perClient);
    steps.push(window);
    say(`  ${perClient} msg/s per client (${window.offeredPerSecond} offered): ${describeWindow(window)}`);
    failures = meetsGoal(window, plan) ? 0 : failures + 1;
    const reason = stopReason(window, undefined, failures, plan);
    if (reason) {
      say(`  stopping: ${reason}`);
      break;
    }
  }
  await settleWindows(session, plan, steps);
  return { ramp, steps };
}
