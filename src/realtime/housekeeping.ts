import type { Presence } from "@colyseus/core";
import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import type { SafetyStore } from "../users/safety-store.ts";
import type { UserStore } from "../users/store.ts";
import type { WaitingQueue } from "../matchmaking/index.ts";

export interface PeriodicTask {
  name: string;
  everyMs: number;
  /** Run by one process per period across the deployment, not by each. */
  once: boolean;
  run(): Promise<unknown>;
}

/** True for the first caller in this period of the task, in any process sharing the presence. */
async function firstInPeriod(presence: Presence, task: PeriodicTask): Promise<boolean> {
  const key = `pairline:housekeeping:${task.name}:${Math.floor(Date.now() / task.everyMs)}`;
  if ((await presence.incr(key)) !== 1) return false;
  presence.expire(key, Math.ceil((task.everyMs * 2) / 1000));
  return true;
}

/** Runs each task on its own timer until stopped; a failing run is logged and retried next time. */
export function startHousekeeping(presence: Presence, logger: Logger, tasks: PeriodicTask[]): () => void {
  const timers = tasks.map((task) => {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        if (!task.once || (await firstInPeriod(presence, task))) await task.run();
      } catch (error) {
        logger.warn("Housekeeping task failed", { task: task.name, error: String(error) });
      } finally {
        running = false;
      }
    };
    const timer = setInterval(tick, task.everyMs);
    timer.unref();
    return timer;
  });
  return () => timers.forEach(clearInterval);
}

/** Reports (and the evidence they quote) deleted per statement: each is an indexed range delete of bounded size. */
const REPORTS_DELETED_PER_BATCH = 500;

/** Deletes every report older than the retention period, a batch at a time. */
export async function purgeOldReports(safety: SafetyStore, retentionMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - retentionMs);
  let total = 0;
  for (;;) {
    const deleted = await safety.deleteReportsBefore(cutoff, REPORTS_DELETED_PER_BATCH);
    total += deleted;
    if (deleted < REPORTS_DELETED_PER_BATCH) return total;
  }
}

/** The periodic work of a Pairline process: keep its queue leases alive, clear dead ones, purge old guests and reports. */
export function pairlineTasks(options: {
  queue: WaitingQueue;
  users: UserStore;
  safety: SafetyStore;
  config: Pick<Config, "guestTtlHours" | "guestPurgeIntervalMs" | "moderation"> & { limits: Pick<Config["limits"], "presenceLeaseMs"> };
}): PeriodicTask[] {
  const { queue, users, safety, config } = options;
  const leaseMs = config.limits.presenceLeaseMs;
  const leaseTickMs = Math.max(500, Math.floor(leaseMs / 3));
  return [
    {
      name: "renew-leases",
      everyMs: leaseTickMs,
      once: false,
      run: () => queue.renew(),
    },
    {
      // A user whose lobby's process is cut off can be matched until the sweep: soon after the lease ends, not a lease later.
      name: "sweep-leases",
      everyMs: leaseTickMs,
      once: true,
      run: () => queue.sweep(),
    },
    {
      name: "purge-guests",
      everyMs: config.guestPurgeIntervalMs,
      once: true,
      run: () => users.deleteGuestsCreatedBefore(new Date(Date.now() - config.guestTtlHours * 3600 * 1000)),
    },
    {
      name: "purge-reports",
      everyMs: config.moderation.reportSweepIntervalMs,
      once: true,
      run: () => purgeOldReports(safety, config.moderation.reportRetentionMs),
    },
  ];
}
