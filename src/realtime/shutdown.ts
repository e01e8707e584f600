import type { Logger } from "../logger/index.ts";
import { TIMED_OUT, within } from "../timeouts/index.ts";

/**
 * Runs `drain` (rooms locked and closed, shared state released); if it has not
 * finished within `timeoutMs` (e.g. Redis does not answer), `cut` closes every
 * connection so the process can still stop.
 */
export async function drainOrCut(drain: () => Promise<void>, timeoutMs: number, cut: () => void, logger: Logger): Promise<void> {
  const settled = drain().then(() => true, () => true);
  if ((await within(settled, timeoutMs)) === TIMED_OUT) {
    logger.warn("Rooms did not close in time (is Redis reachable?); closing their connections");
    cut();
  }
}
