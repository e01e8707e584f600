import { matchMaker, type Presence } from "@colyseus/core";
import type { PeriodicTask } from "./housekeeping.ts";

/** Colyseus's names: its registry of live processes, and `swept:<id>`, which a process finds when others removed its rooms. */
const LIVE_PROCESSES_KEY = "roomcount";
const sweptReceipt = (id: string) => `swept:${id}`;
const SWEPT_RECEIPT_SECONDS = 600;

/** Who keeps track of which processes still report (the match-maker driver on Redis; nobody for one process). */
export interface ProcessRegistry {
  /** Processes that stopped reporting and that nobody hears on their channel (a bounded read, never every process). */
  silent(): Promise<string[]>;
  forget(processId: string): Promise<void>;
}

export interface DeadProcessOptions {
  everyMs?: number;
  processes: ProcessRegistry;
  /** Called once a process is forgotten: what else kept its state lets go of it. */
  onForget?: (processId: string) => Promise<void>;
}

/**
 * Forgets processes that died without shutting down (`kill -9`, a lost machine), so
 * no user is sent to their rooms and no room is placed on them. A process found silent
 * twice in a row cannot answer a request: its room count and room listings are removed
 * at once (Colyseus would find out only when a request to it times out, seconds later).
 * If it was merely cut off from Redis, it finds the receipt Colyseus looks for and lists
 * its rooms again, and (below) puts itself back among the processes that take new rooms.
 */
export function forgetDeadProcesses(presence: Presence, options: DeadProcessOptions): PeriodicTask {
  const { everyMs = 1000, processes, onForget } = options;
  let unheard = new Set<string>();
  return {
    name: "forget-dead-processes",
    everyMs,
    once: false,
    async run() {
      const [listed, quiet] = await Promise.all([presence.hget(LIVE_PROCESSES_KEY, matchMaker.processId), processes.silent()]);
      if (listed === null || listed === undefined) await matchMaker.stats.persist(true);
      const dead = quiet.filter((id) => unheard.has(id));
      unheard = new Set(quiet);
      for (const id of dead) {
        await matchMaker.stats.excludeProcess(id);
        await matchMaker.driver.cleanup?.(id);
        await presence.setex(sweptReceipt(id), "1", SWEPT_RECEIPT_SECONDS);
        await onForget?.(id);
        await processes.forget(id);
      }
    },
  };
}
