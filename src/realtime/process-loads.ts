import { matchMaker } from "@colyseus/core";

/** Rooms and clients in one process. */
export interface ProcessLoad {
  processId: string;
  roomCount: number;
  ccu: number;
}

/** How stale other processes' figures may be: Colyseus writes each process's own at most once a second. */
export const SERVICE_LOAD_MAX_AGE_MS = 1000;

/**
 * This process's load, live, and every process's from Colyseus's shared list. The list
 * (one read of a hash with a field per process) is read at most once per `maxAgeMs` by
 * this process and shared by every request meanwhile, so a request costs no Redis
 * command however many arrive; a failed read is not kept.
 */
export function processLoads(
  maxAgeMs = SERVICE_LOAD_MAX_AGE_MS,
  fetchAll: () => Promise<ProcessLoad[]> = () => matchMaker.stats.fetchAll(),
): () => Promise<{ here: ProcessLoad; all: ProcessLoad[] }> {
  let shared: { readAt: number; all: Promise<ProcessLoad[]> } | undefined;
  return async () => {
    const now = Date.now();
    if (!shared || now - shared.readAt >= maxAgeMs) {
      const all = fetchAll();
      const read = { readAt: now, all };
      shared = read;
      all.catch(() => shared === read && (shared = undefined));
    }
    const { processId, stats } = matchMaker;
    return { here: { processId, roomCount: stats.local.roomCount, ccu: stats.local.ccu }, all: await shared.all };
  };
}
