import type { ConnectOutcome, OnlineTable } from "./online-table.ts";

/**
 * The online table of a single process, in memory. It keeps the contract of the
 * Redis table (one instance may be shared by several trackers, as processes share
 * Redis). Maps keep insertion order, which is the order of coming online and, with
 * one grace for everyone, of the end of each grace: a sweep stops at the first entry
 * that has not expired.
 */
export class MemoryOnlineTable implements OnlineTable {
  /** Lease of each process, until when. */
  readonly #leases = new Map<string, number>();
  /** Open connections of each user, per process. */
  readonly #held = new Map<string, Map<string, number>>();
  /** Open connections of each user, in all processes. */
  readonly #connections = new Map<string, number>();
  /** Online users, since when (in that order). */
  readonly #online = new Map<string, number>();
  /** Users with no connection left, and when they go offline. */
  readonly #leaving = new Map<string, number>();

  async connect(processId: string, userId: string, now: number): Promise<ConnectOutcome> {
    if (!((this.#leases.get(processId) ?? 0) > now)) return "lapsed";
    const held = this.#held.get(processId)!;
    held.set(userId, (held.get(userId) ?? 0) + 1);
    return this.#add(userId, 1, now) ? "online" : "same";
  }

  async disconnect(processId: string, userId: string, offlineAt: number): Promise<void> {
    const held = this.#held.get(processId);
    const mine = held?.get(userId) ?? 0;
    if (mine === 0) return; // already taken back with the process's lease
    if (mine === 1) held!.delete(userId);
    else held!.set(userId, mine - 1);
    this.#remove(userId, 1, offlineAt);
  }

  async renew(processId: string, now: number, until: number): Promise<boolean> {
    if (!((this.#leases.get(processId) ?? 0) > now)) return false;
    this.#leases.delete(processId);
    this.#leases.set(processId, until);
    return true;
  }

  async restore(processId: string, connections: ReadonlyMap<string, number>, now: number, until: number): Promise<string[]> {
    const cameOnline: string[] = [];
    for (const [userId, count] of connections) if (this.#add(userId, count, now)) cameOnline.push(userId);
    for (const [userId, count] of this.#held.get(processId) ?? []) this.#remove(userId, count, now);
    this.#held.set(processId, new Map(connections));
    this.#leases.delete(processId);
    this.#leases.set(processId, until);
    return cameOnline;
  }

  async expire(now: number, limit: number): Promise<{ offline: string[]; more: boolean }> {
    const offline: string[] = [];
    let budget = limit;
    for (const [userId, at] of this.#leaving) {
      if (at > now || budget === 0) break;
      budget -= 1;
      this.#leaving.delete(userId);
      if (!this.#connections.has(userId) && this.#online.delete(userId)) offline.push(userId);
    }
    for (const [processId, until] of this.#leases) {
      if (until > now || budget === 0) continue;
      const held = this.#held.get(processId)!;
      for (const [userId, count] of held) {
        if (budget === 0) break;
        budget -= 1;
        held.delete(userId);
        if (this.#remove(userId, count, now) && this.#online.delete(userId)) {
          this.#leaving.delete(userId);
          offline.push(userId);
        }
      }
      if (held.size === 0) {
        this.#leases.delete(processId);
        this.#held.delete(processId);
      }
    }
    return { offline, more: budget === 0 };
  }

  async count(): Promise<number> {
    return this.#online.size;
  }

  async page(offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = [];
    let index = 0;
    for (const userId of this.#online.keys()) {
      if (index++ < offset) continue;
      if (ids.length === limit) break;
      ids.push(userId);
    }
    return { ids, total: this.#online.size };
  }

  /** Adds connections of a user; true if they came online. */
  #add(userId: string, count: number, now: number): boolean {
    const before = this.#connections.get(userId) ?? 0;
    this.#connections.set(userId, before + count);
    const wasLeaving = this.#leaving.delete(userId);
    if (before > 0 || wasLeaving || this.#online.has(userId)) return false;
    this.#online.set(userId, now);
    return true;
  }

  /** Removes connections of a user; true if none is left (they then leave at `offlineAt`). */
  #remove(userId: string, count: number, offlineAt: number): boolean {
    const left = (this.#connections.get(userId) ?? 0) - count;
    if (left > 0) {
      this.#connections.set(userId, left);
      return false;
    }
    this.#connections.delete(userId);
    if (this.#online.has(userId)) {
      this.#leaving.delete(userId);
      this.#leaving.set(userId, offlineAt);
    }
    return true;
  }
}
