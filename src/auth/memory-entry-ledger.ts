import type { EntryLedger } from "./entry-ledger.ts";

/** Expired entries removed per call: enough to keep up, few enough to keep each call O(1). */
const SWEEP_PER_CALL = 16;

/**
 * Entries expire after a fixed time from their first write, and a Map keeps insertion
 * order, so the oldest entries sit at the front: each call drops a few expired ones there.
 */
class ExpiringMap<V extends { expiresAtMs: number }> {
  readonly #entries = new Map<string, V>();

  get(key: string, now: number): V | undefined {
    this.#sweep(now);
    const entry = this.#entries.get(key);
    return entry && entry.expiresAtMs > now ? entry : undefined;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
  }

  #sweep(now: number): void {
    let budget = SWEEP_PER_CALL;
    for (const [key, entry] of this.#entries) {
      if (budget-- === 0 || entry.expiresAtMs > now) return;
      this.#entries.delete(key);
    }
  }
}

/** The ledger of a single process (no REDIS_URL). */
export function memoryEntryLedger(): EntryLedger {
  const used = new ExpiringMap<{ expiresAtMs: number }>();
  const counts = new ExpiringMap<{ expiresAtMs: number; count: number }>();
  return {
    async claim(challengeId, expiresAtMs) {
      const now = Date.now();
      if (used.get(challengeId, now)) return false;
      used.set(challengeId, { expiresAtMs });
      return true;
    },
    async strike(keys, windowMs) {
      const now = Date.now();
      for (const key of keys) {
        const entry = counts.get(key, now);
        if (entry) entry.count += 1;
        else counts.set(key, { expiresAtMs: now + windowMs, count: 1 });
      }
    },
    async strikes(keys) {
      const now = Date.now();
      return Math.max(0, ...keys.map((key) => counts.get(key, now)?.count ?? 0));
    },
    async close() {},
  };
}
