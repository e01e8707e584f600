import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { SeatAuth } from "../auth/seat.ts";

/**
 * How a matched pair reaches its chat room, and what the chat leaves behind: the two
 * users travel from the matcher to the chat room under a random key, taken once, so a
 * chat room's participants never come from client options; and each remembers the
 * other for a while, so they are not paired again at once.
 */
export interface PairHandoff {
  record(users: [SeatAuth, SeatAuth]): Promise<string>;
  /** Returns the pair once; a second call, or an unknown key, gives undefined. */
  take(key: unknown): Promise<[SeatAuth, SeatAuth] | undefined>;
  rememberPartners(a: string, b: string, seconds: number): Promise<void>;
  recentPartner(userId: string): Promise<string | undefined>;
}

const PAIR_TTL_SECONDS = 60;
const validKey = (key: unknown): key is string => typeof key === "string" && key.length > 0 && key.length <= 64;

/** A map whose values expire, for the single-process hand-off. */
class ExpiringMap<V> {
  readonly #values = new Map<string, { value: V; timer: NodeJS.Timeout }>();

  set(key: string, value: V, seconds: number): void {
    this.delete(key);
    const timer = setTimeout(() => this.#values.delete(key), seconds * 1000);
    timer.unref();
    this.#values.set(key, { value, timer });
  }

  get(key: string): V | undefined {
    return this.#values.get(key)?.value;
  }

  delete(key: string): V | undefined {
    const held = this.#values.get(key);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.#values.delete(key);
    return held.value;
  }
}

/** Pairs travel in this process's memory: the process that records a pair opens its chat room (see below). */
function pairsInMemory(): Pick<PairHandoff, "record" | "take"> {
  const pairs = new ExpiringMap<[SeatAuth, SeatAuth]>();
  return {
    async record(users) {
      const key = randomUUID();
      pairs.set(key, users, PAIR_TTL_SECONDS);
      return key;
    },
    async take(key) {
      return validKey(key) ? pairs.delete(key) : undefined;
    },
  };
}

export function localPairHandoff(): PairHandoff {
  const partners = new ExpiringMap<string>();
  return {
    ...pairsInMemory(),
    async rememberPartners(a, b, seconds) {
      partners.set(a, b, seconds);
      partners.set(b, a, seconds);
    },
    async recentPartner(userId) {
      return partners.get(userId);
    },
  };
}

/**
 * Recent partners in Redis, seen by every process. Pairs stay in memory: the process that
 * opens a chat room records its pair (`chatHosts`), so its hand-off costs Redis nothing.
 */
export function redisPairHandoff(redis: Redis, prefix = "pairline:"): PairHandoff {
  const partnerKey = (userId: string) => `${prefix}recent-partner:${userId}`;
  return {
    ...pairsInMemory(),
    /** Two independent SETs in one round trip (a pipeline: no MULTI/EXEC, two commands fewer; nothing reads both at once). */
    async rememberPartners(a, b, seconds) {
      const replies = await redis.pipeline().set(partnerKey(a), b, "EX", seconds).set(partnerKey(b), a, "EX", seconds).exec();
      const failed = replies?.find(([error]) => error)?.[0];
      if (!replies || failed) throw failed ?? new Error("recent partners not recorded");
    },
    async recentPartner(userId) {
      return (await redis.get(partnerKey(userId))) ?? undefined;
    },
  };
}
