import { matchMaker } from "@colyseus/core";
import type { PeriodicTask } from "./housekeeping.ts";

/**
 * Forgets processes that died without shutting down (`kill -9`, a lost machine): a
 * process whose channel nobody listens to any more is asked directly, and if it does
 * not answer, its room count and rooms are removed, so no new room or seat is sent to
 * it. Without this, only a request that times out on such a process finds out.
 */
export function forgetDeadProcesses(everyMs = 1000): PeriodicTask {
  return { name: "forget-dead-processes", everyMs, once: true, run: () => matchMaker.healthCheckAllProcesses() };
}
