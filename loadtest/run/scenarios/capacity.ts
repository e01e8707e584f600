import { setTimeout as sleep } from "node:timers/promises";
import type { Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { CapacityStep } from "../results.ts";
import type { Session } from "../session.ts";
import { chatWindow, meetsGoal, settleWindows } from "./chat-window.ts";
import { describeWindow, stopReason } from "./verdicts.ts";

/** Sockets one server process may hold at a step, under its open-file limit of 20,000 with room for the rest. */
export const CAPACITY_SOCKET_BUDGET = 16_000;

/**
 * (a) and (d): clients are added step by step, each paired and chatting at
 * `perClient` messages per second; every step records the ramp, the server's memory
 * with everyone connected, and the latency of a steady window.
 */
export async function runCapacity(session: Session, plan: Plan): Promise<CapacityStep[]> {
  const steps: CapacityStep[] = [];
  let current = 0;
  let failures = 0;
  const socketsPerClient = session.keepLobby ? 2 : 1;
  for (const clients of plan.capacity.steps.filter((n) => n * socketsPerClient <= CAPACITY_SOCKET_BUDGET)) {
    const ramp = await session.ramp(clients - current, plan.rampPerSecond, true);
    current = clients;
    await sleep(plan.settleMs);
    const idleRssBytes = session.serverRss();
    const serverFds = session.serverFds();
    const steady = await chatWindow(session, plan, plan.capacity.perClient);
    steps.push({ clients, ramp, idleRssBytes, serverFds, steady });
    say(`  ${clients} clients: ramp ${ramp.achievedPerSecond.toFixed(0)} joins/s (${ramp.failed} failed), ${describeWindow(steady)}`);
    failures = meetsGoal(steady, plan) ? 0 : failures + 1;
    const reason = stopReason(steady, ramp, failures, plan);
    if (reason) {
      say(`  stopping: ${reason}`);
      break;
    }
  }
  await settleWindows(session, plan, steps.map((s) => s.steady));
  return steps;
}
