import { randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import { asQueueEntry, storedEntry, type Pair, type QueueEntry, type StoredEntry, type WaitingUser } from "./entry.ts";
import type { EnqueueOutcome, QueueOptions, WaitingQueue } from "./queue.ts";
import { queueScripts, scriptSource } from "./redis-scripts.ts";

type Script = (...args: Array<string | number>) => Promise<unknown>;
type QueueCommands = { [K in keyof typeof queueScripts]: Script };

/** Registers the queue's Lua scripts on a connection once (ioredis sends EVALSHA, and the source again if Redis lost it). */
function withQueueScripts(redis: Redis): QueueCommands {
  for (const [name, body] of Object.entries(queueScripts)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua: scriptSource(body) });
  }
  return redis as unknown as QueueCommands;
}

const seed = () => randomInt(2 ** 31 - 1);

/** Whether each user of a claimed pair may have an avoid set (its confirmation then deletes it). */
type AvoidFlags = [boolean, boolean];

/** Pairs come back from Lua as a flat list of JSON claims: served, partner, served, partner… */
function pairsOf(flat: unknown, avoidFlags: WeakMap<Pair, AvoidFlags>): Pair[] {
  const claims = (flat as string[]).map((raw) => JSON.parse(raw) as { e: StoredEntry["e"]; a?: number });
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < claims.length; i += 2) {
    const pair: Pair = [asQueueEntry(claims[i]!.e), asQueueEntry(claims[i + 1]!.e)];
    avoidFlags.set(pair, [claims[i]!.a === 1, claims[i + 1]!.a === 1]);
    pairs.push(pair);
  }
  return pairs;
}

/** The queue and matcher shared by every process through Redis (`REDIS_URL`). */
export class RedisWaitingQueue implements WaitingQueue {
  readonly #redis: QueueCommands;
  readonly #prefix: string;
  readonly #options: QueueOptions;
  readonly #local = new Set<string>();
  /** The pairs this queue claimed, until confirmed: their confirmation need not read the two records. */
  readonly #avoidFlags = new WeakMap<Pair, AvoidFlags>();
  readonly #onClose: () => Promise<void>;

  constructor(redis: Redis, options: QueueOptions, { prefix = "pairline:mq:", onClose = async () => {} } = {}) {
    this.#redis = withQueueScripts(redis);
    this.#prefix = prefix;
    this.#options = options;
    this.#onClose = onClose;
  }

  async enqueue(entries: readonly QueueEntry[], now = Date.now()): Promise<{ outcomes: EnqueueOutcome[]; pairs: Pair[] }> {
    if (entries.length === 0) return { outcomes: [], pairs: [] };
    const { widenAfterMs, leaseMs, claimTimeoutMs, window } = this.#options;
    const args: Array<string | number> = [this.#prefix, now, widenAfterMs, leaseMs, claimTimeoutMs, window, seed(), entries.length];
    for (const entry of entries) {
      args.push(entry.userId, JSON.stringify(storedEntry(entry)), entry.avoidUserIds.length, ...entry.avoidUserIds);
    }
    const [statuses, flat, waiting] = (await this.#redis.mqEnqueue(...args)) as [string[], string[], number];
    entries.forEach((entry, i) => statuses[i] === "queued" && this.#local.add(entry.userId));
    return {
      outcomes: statuses.map((status) => ({ status: status as EnqueueOutcome["status"], waiting })),
      pairs: pairsOf(flat, this.#avoidFlags),
    };
  }

  async cancel(userId: string, sessionId: string): Promise<boolean> {
    const removed = (await this.#redis.mqCancel(this.#prefix, userId, sessionId)) === 1;
    if (removed) this.#local.delete(userId);
    return removed;
  }

  async pause(userId: string, sessionId: string): Promise<"paused" | "claimed" | "absent"> {
    return (await this.#redis.mqPause(this.#prefix, userId, sessionId)) as "paused" | "claimed" | "absent";
  }

  async resume(userId: string, sessionId: string, now = Date.now()) {
    const { widenAfterMs, leaseMs, claimTimeoutMs, window } = this.#options;
    const [status, flat] = (await this.#redis.mqResume(
      this.#prefix, userId, sessionId, now, widenAfterMs, leaseMs, claimTimeoutMs, window, seed(),
    )) as ["queued" | "claimed" | "absent", string[]];
    return { status, pairs: pairsOf(flat, this.#avoidFlags) };
  }

  async matchWaiting(now = Date.now()): Promise<Pair[]> {
    const { widenAfterMs, claimTimeoutMs, window, passLimit } = this.#options;
    return pairsOf(await this.#redis.mqMatchWaiting(this.#prefix, now, widenAfterMs, claimTimeoutMs, window, seed(), passLimit), this.#avoidFlags);
  }

  async confirm(pair: Pair): Promise<void> {
    const flags = this.#avoidFlags.get(pair);
    const avoids = (i: 0 | 1) => (flags ? (flags[i] ? "1" : "0") : "?");
    await this.#redis.mqConfirm(this.#prefix, pair[0].userId, avoids(0), pair[1].userId, avoids(1));
  }

  async release([a, b]: Pair): Promise<void> {
    await this.#redis.mqRelease(this.#prefix, this.#options.leaseMs, a.userId, b.userId);
  }

  async avoid(a: string, b: string): Promise<void> {
    await this.#redis.mqAvoid(this.#prefix, a, b, 2 * this.#options.leaseMs, 1);
  }

  async unavoid(a: string, b: string): Promise<void> {
    await this.#redis.mqAvoid(this.#prefix, a, b, 0, 0);
  }

  async renew(now = Date.now()): Promise<void> {
    if (this.#local.size === 0) return;
    const gone = (await this.#redis.mqRenew(this.#prefix, now, this.#options.leaseMs, ...this.#local)) as string[];
    for (const userId of gone) this.#local.delete(userId);
  }

  async sweep(now = Date.now()): Promise<void> {
    await this.#redis.mqSweep(this.#prefix, now, this.#options.passLimit * 4, this.#options.leaseMs);
  }

  hasLocalEntries(): boolean {
    return this.#local.size > 0;
  }

  async size(): Promise<number> {
    return (this.#redis as unknown as Redis).hlen(`${this.#prefix}e`);
  }

  async page(offset: number, limit: number, exceptId = ""): Promise<{ users: WaitingUser[]; total: number }> {
    const [total, ...raws] = (await this.#redis.mqPage(this.#prefix, offset, limit, exceptId)) as [number, ...Array<string | null>];
    const users = raws.flatMap((raw) => {
      if (!raw) return [];
      const { e } = JSON.parse(raw) as StoredEntry;
      return [{ id: e.userId, username: e.username, since: e.since }];
    });
    return { users, total };
  }

  close(): Promise<void> {
    return this.#onClose();
  }
}
