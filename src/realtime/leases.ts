import type { Presence } from "@colyseus/core";

/**
 * Ids held in presence under an expiring lease, readable by every process. The
 * process that holds an id renews its lease; if that process dies, the lease runs
 * out and a sweep (by any process) removes the id, so nothing is left behind by a
 * crash. The count is kept in its own key so reading it is O(1); a sweep corrects
 * any drift from racing writers.
 */
export class LeaseTable {
  readonly #presence: Presence;
  readonly #hashKey: string;
  readonly #countKey: string;
  readonly #leaseMs: number;

  constructor(presence: Presence, name: string, leaseMs: number) {
    this.#presence = presence;
    this.#hashKey = `pairline:lease:${name}`;
    this.#countKey = `pairline:lease:${name}:count`;
    this.#leaseMs = leaseMs;
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  /** Grants (or renews) the lease; true if the id was not held before. */
  async grant(id: string, now = Date.now()): Promise<boolean> {
    const held = await this.#presence.hget(this.#hashKey, id);
    await this.#presence.hset(this.#hashKey, id, String(now + this.#leaseMs));
    if (held !== null && Number(held) > now) return false;
    if (held === null) await this.#presence.incr(this.#countKey);
    return true;
  }

  /** Extends the leases of ids this process still holds. */
  async renew(ids: Iterable<string>, now = Date.now()): Promise<void> {
    const until = String(now + this.#leaseMs);
    await Promise.all([...ids].map((id) => this.#presence.hset(this.#hashKey, id, until)));
  }

  /** Ends the lease; true if this call removed it. */
  async revoke(id: string): Promise<boolean> {
    if (!(await this.#presence.hdel(this.#hashKey, id))) return false;
    await this.#presence.decr(this.#countKey);
    return true;
  }

  async holds(id: string, now = Date.now()): Promise<boolean> {
    const until = await this.#presence.hget(this.#hashKey, id);
    return until !== null && Number(until) > now;
  }

  async count(): Promise<number> {
    return Math.max(0, Number((await this.#presence.get(this.#countKey)) ?? 0));
  }

  /** Every id with a live lease, and when it runs out. */
  async live(now = Date.now()): Promise<Map<string, number>> {
    const all = await this.#presence.hgetall(this.#hashKey);
    const live = new Map<string, number>();
    for (const [id, until] of Object.entries(all)) if (Number(until) > now) live.set(id, Number(until));
    return live;
  }

  /** Removes every expired id and returns them; resets the count to the truth. */
  async sweep(now = Date.now()): Promise<string[]> {
    const all = await this.#presence.hgetall(this.#hashKey);
    const expired: string[] = [];
    let live = 0;
    for (const [id, until] of Object.entries(all)) {
      if (Number(until) > now) live += 1;
      else if (await this.#presence.hdel(this.#hashKey, id)) expired.push(id);
    }
    await this.#presence.set(this.#countKey, String(live));
    return expired;
  }
}
