import { matchMaker, type Presence } from "@colyseus/core";
import type { PeriodicTask } from "./housekeeping.ts";

/** Colyseus's names: a process listens on `p:<id>` for requests, and finds `swept:<id>` when others removed its rooms. */
const processChannel = (id: string) => `p:${id}`;
const sweptReceipt = (id: string) => `swept:${id}`;
const SWEPT_RECEIPT_SECONDS = 600;

/**
 * Forgets processes that died without shutting down (`kill -9`, a lost machine), so
 * no user is sent to their rooms and no room is placed on them. A process that nobody
 * hears on its channel any more, twice in a row, cannot answer a request: its room
 * count and room listings are removed at once (Colyseus would find out only when a
 * request to it times out, seconds later). If it was merely cut off from Redis, it
 * finds the receipt Colyseus looks for and lists its rooms again, and (below) puts
 * itself back among the processes that take new rooms.
 */
export function forgetDeadProcesses(presence: Presence, options: { everyMs?: number; onForget?: (processId: string) => Promise<void> } = {}): PeriodicTask {
  const { everyMs = 1000, onForget } = options;
  let unheard = new Set<string>();
  return {
    name: "forget-dead-processes",
    everyMs,
    once: false,
    async run() {
      const [stats, channels] = await Promise.all([matchMaker.stats.fetchAll(), presence.channels?.("p:*") ?? []]);
      if (!stats.some((stat) => stat.processId === matchMaker.processId)) await matchMaker.stats.persist(true);
      const listening = new Set(channels);
      const silent = stats.map((stat) => stat.processId).filter((id) => id !== matchMaker.processId && !listening.has(processChannel(id)));
      const dead = silent.filter((id) => unheard.has(id));
      unheard = new Set(silent);
      for (const id of dead) {
        await matchMaker.stats.excludeProcess(id);
        await matchMaker.driver.cleanup?.(id);
        await presence.setex(sweptReceipt(id), "1", SWEPT_RECEIPT_SECONDS);
        await onForget?.(id);
      }
    },
  };
}
