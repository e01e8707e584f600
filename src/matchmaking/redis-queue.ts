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

/** One user of a claimed pair as Lua returns it: `a` if its avoid set may exist, `f` if it is a newcomer written nowhere. */
interface Claim {
  e: StoredEntry["e"];
  a?: number;
  f?: number;
}

/** Pairs come back from Lua as a flat list of JSON claims: served, partner, served, partner… */
function pairsOf(flat: unknown, claimsOf: WeakMap<Pair, [Claim, Claim]>): Pair[] {
  const claims = (flat as string[]).map((raw) => JSON.parse(raw) as Claim);
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < claims.length; i += 2) {
    const pair: Pair = [asQueueEntry(claims[i]!.e), asQueueEntry(claims[i + 1]!.e)];
    claimsOf.set(pair, [claims[i]!, claims[i + 1]!]);
    pairs.push(pair);
  }
  return pairs;
}

/** A newcomer's claim held by its process: what a release writes back, and when it is due. */
interface HeldClaim {
  sessionId: string;
  deadline: number;
  stored: string;
}

const heldClaim = (entry: QueueEntry, claim: Claim, deadline: number): HeldClaim => ({
  sessionId: entry.sessionId,
  deadline,
  stored: JSON.stringify({ ...storedEntry(entry), a: claim.a }),
});

/** How a claimed user's confirmation treats them (see the confirm script). */
function confirmFlag(claim: Claim | undefined): string | undefined {
  if (!claim) return "?";
  if (claim.f) return claim.a ? "d" : undefined;
  return claim.a ? "1" : "0";
}

/** The queue and matcher shared by every process through Redis (`REDIS_URL`). */
export class RedisWaitingQueue implements WaitingQueue {
  readonly #redis: QueueCommands;
  readonly #prefix: string;
  readonly #options: QueueOptions;
  readonly #local = new Set<string>();
  /** The pairs this queue claimed, until confirmed: their confirmation need not read the two records. */
  readonly #claims = new WeakMap<Pair, [Claim, Claim]>();
  /**
   * Newcomers paired by their own enqueue, by user id: written nowhere in Redis, held here until the
   * hand-off, or its deadline (a sweep then writes them back, as Redis gives back its late claims).
   * Their user's lobby is on this process, so its cancel, pause and resume come here; another
   * process sees them as not queued.
   */
  readonly #heldHere = new Map<string, HeldClaim>();
  readonly #onClose: () => Promise<void>;

  constructor(redis: Redis, options: QueueOptions, { prefix = "pairline:mq:", onClose = async () => {} } = {}) {
    this.#redis = withQueueScripts(redis);
    this.#prefix = prefix;
    this.#options = options;
    this.#onClose = onClose;
  }

  async enqueue(entries: readonly QueueEntry[], now = Date.now()): Promise<{ outcomes: EnqueueOutcome[]; pairs: Pair[] }> {
    const heldStatus = (entry: QueueEntry) => {
      const held = this.#heldHere.get(entry.userId);
      return held === undefined ? undefined : held.sessionId === entry.sessionId ? "queued" : "busy";
    };
    const sent = entries.filter((entry) => heldStatus(entry) === undefined);
    const { statuses, pairs, waiting } = sent.length > 0 ? await this.#send(sent, now) : { statuses: [], pairs: [], waiting: await this.size() };
    let next = 0;
    const outcomes = entries.map((entry) => ({ status: heldStatus(entry) ?? statuses[next++]!, waiting }));
    return { outcomes, pairs };
  }

  async #send(entries: readonly QueueEntry[], now: number) {
    const { widenAfterMs, leaseMs, claimTimeoutMs, window } = this.#options;
    const args: Array<string | number> = [this.#prefix, now, widenAfterMs, leaseMs, claimTimeoutMs, window, seed(), entries.length];
    for (const entry of entries) {
      args.push(entry.userId, JSON.stringify(storedEntry(entry)), entry.avoidUserIds.length, ...entry.avoidUserIds);
    }
    const [statuses, flat, stored] = (await this.#redis.mqEnqueue(...args)) as [Array<EnqueueOutcome["status"]>, string[], number];
    entries.forEach((entry, i) => statuses[i] === "queued" && this.#local.add(entry.userId));
    const pairs = pairsOf(flat, this.#claims);
    for (const pair of pairs) {
      this.#claims.get(pair)!.forEach((claim, i) => {
        if (!claim.f) return;
        this.#heldHere.set(pair[i]!.userId, heldClaim(pair[i]!, claim, now + claimTimeoutMs));
        this.#local.delete(pair[i]!.userId);
      });
    }
    return { statuses, pairs, waiting: stored + this.#heldHere.size };
  }

  #isHeldHere(userId: string, sessionId: string): boolean {
    return this.#heldHere.get(userId)?.sessionId === sessionId;
  }

  async cancel(userId: string, sessionId: string): Promise<boolean> {
    if (this.#isHeldHere(userId, sessionId)) return false;
    const removed = (await this.#redis.mqCancel(this.#prefix, userId, sessionId)) === 1;
    if (removed) this.#local.delete(userId);
    return removed;
  }

  async pause(userId: string, sessionId: string): Promise<"paused" | "claimed" | "absent"> {
    if (this.#isHeldHere(userId, sessionId)) return "claimed";
    return (await this.#redis.mqPause(this.#prefix, userId, sessionId)) as "paused" | "claimed" | "absent";
  }

  async resume(userId: string, sessionId: string, now = Date.now()) {
    if (this.#isHeldHere(userId, sessionId)) return { status: "claimed" as const, pairs: [] };
    const { widenAfterMs, leaseMs, claimTimeoutMs, window } = this.#options;
    const [status, flat] = (await this.#redis.mqResume(
      this.#prefix, userId, sessionId, now, widenAfterMs, leaseMs, claimTimeoutMs, window, seed(),
    )) as ["queued" | "claimed" | "absent", string[]];
    return { status, pairs: pairsOf(flat, this.#claims) };
  }

  async matchWaiting(now = Date.now()): Promise<Pair[]> {
    const { widenAfterMs, claimTimeoutMs, window, passLimit } = this.#options;
    return pairsOf(await this.#redis.mqMatchWaiting(this.#prefix, now, widenAfterMs, claimTimeoutMs, window, seed(), passLimit), this.#claims);
  }

  async confirm(pair: Pair): Promise<void> {
    const claims = this.#claims.get(pair);
    const args: string[] = [];
    pair.forEach((entry, i) => {
      if (claims?.[i]!.f) this.#heldHere.delete(entry.userId);
      const flag = confirmFlag(claims?.[i]);
      if (flag !== undefined) args.push(entry.userId, flag);
    });
    if (args.length > 0) await this.#redis.mqConfirm(this.#prefix, ...args);
  }

  async release(pair: Pair): Promise<void> {
    const claims = this.#claims.get(pair);
    const args: Array<string | number> = [];
    pair.forEach((entry, i) => {
      if (!claims?.[i]!.f) return void args.push(entry.userId, "");
      args.push(...this.#giveBack(entry.userId));
    });
    await this.#redis.mqRelease(this.#prefix, this.#options.leaseMs, Date.now(), ...args);
  }

  /** A held newcomer back to the queue: the release arguments that write it (none if it was given back already). */
  #giveBack(userId: string): string[] {
    const held = this.#heldHere.get(userId);
    if (!held) return [];
    this.#heldHere.delete(userId);
    this.#local.add(userId);
    return [userId, held.stored];
  }

  async avoid(a: string, b: string): Promise<void> {
    await this.#redis.mqAvoid(this.#prefix, a, b, 2 * this.#options.leaseMs, 1);
  }

  async unavoid(a: string, b: string): Promise<void> {
    await this.#redis.mqAvoid(this.#prefix, a, b, 0, 0);
  }

  /** Renewing is every process's own work (the sweep is one process's at a time): its late held claims go back here too. */
  async renew(now = Date.now()): Promise<void> {
    await this.#giveBackLate(now);
    if (this.#local.size === 0) return;
    const gone = (await this.#redis.mqRenew(this.#prefix, now, this.#options.leaseMs, ...this.#local)) as string[];
    for (const userId of gone) this.#local.delete(userId);
  }

  async sweep(now = Date.now()): Promise<void> {
    await this.#redis.mqSweep(this.#prefix, now, this.#options.passLimit * 4);
    await this.#giveBackLate(now);
  }

  /** Held claims whose hand-off did not come by their deadline go back to the queue, as Redis's late claims do at a sweep. */
  async #giveBackLate(now: number): Promise<void> {
    const late = [...this.#heldHere].flatMap(([userId, held]) => (held.deadline <= now ? this.#giveBack(userId) : []));
    if (late.length > 0) await this.#redis.mqRelease(this.#prefix, this.#options.leaseMs, now, ...late);
  }

  hasLocalEntries(): boolean {
    return this.#local.size > 0;
  }

  /** Claims held by this process included. */
  async size(): Promise<number> {
    return (await (this.#redis as unknown as Redis).hlen(`${this.#prefix}e`)) + this.#heldHere.size;
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
