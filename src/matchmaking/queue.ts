import type { Pair, QueueEntry, WaitingUser } from "./entry.ts";

export interface EnqueueOutcome {
  /** `busy`: the user is already waiting from another session. */
  status: "queued" | "busy";
  /** Users waiting after this call, this one included. */
  waiting: number;
}

export interface QueueOptions {
  /** Preferences narrow the match at first; once both have waited this long, anyone will do. */
  widenAfterMs: number;
  /** An entry whose process stops renewing it leaves the queue after this long. */
  leaseMs: number;
  /** A claimed pair not handed off (confirmed or released) within this long goes back to the queue. */
  claimTimeoutMs: number;
  /** Candidates read per bucket when serving one entry: what bounds a match's cost. */
  window: number;
  /** Widened waiting users served per pass. */
  passLimit: number;
}

export const defaultQueueOptions = (widenAfterMs: number, leaseMs: number): QueueOptions => ({
  widenAfterMs,
  leaseMs,
  claimTimeoutMs: 30_000,
  window: 16,
  passLimit: 64,
});

/**
 * The waiting queue and its matcher, shared by every process. Each call is atomic:
 * an entry is claimed at most once, never with itself, never with someone it avoids
 * (either way), and a pass reads a bounded number of entries however long the queue.
 * One instance per process: it renews the entries it added, so the entries of a
 * process that died leave the queue when their lease runs out.
 */
export interface WaitingQueue {
  /** Adds the entries (in the order given) and serves each at once; pairs found are claimed and returned. */
  enqueue(entries: readonly QueueEntry[], now?: number): Promise<{ outcomes: EnqueueOutcome[]; pairs: Pair[] }>;
  /** Removes the user's entry if it belongs to `sessionId` and is not claimed; true if removed. */
  cancel(userId: string, sessionId: string): Promise<boolean>;
  /** Takes a waiting entry out of matching while its user is away, keeping its place. */
  pause(userId: string, sessionId: string): Promise<"paused" | "claimed" | "absent">;
  /** Puts a paused entry back in its place and serves it. */
  resume(userId: string, sessionId: string, now?: number): Promise<{ status: "queued" | "claimed" | "absent"; pairs: Pair[] }>;
  /** Serves the longest-waiting users whose preferences have widened. */
  matchWaiting(now?: number): Promise<Pair[]>;
  /** The pair was handed off: both entries leave the queue. */
  confirm(pair: Pair): Promise<void>;
  /** The hand-off failed: both go back to their places. */
  release(pair: Pair): Promise<void>;
  /** From now on, these two are never paired (a block), even if both are waiting already. */
  avoid(a: string, b: string): Promise<void>;
  /** Lifts `avoid` (an unblock), for entries made from now on and those waiting. */
  unavoid(a: string, b: string): Promise<void>;
  /** Keeps this process's entries alive; called well inside the lease. */
  renew(now?: number): Promise<void>;
  /** Removes entries whose process died; returns claimed pairs never handed off to the queue. */
  sweep(now?: number): Promise<void>;
  /** True while this process has entries in the queue. */
  hasLocalEntries(): boolean;
  /** How many users are in the queue (O(1)). */
  size(): Promise<number>;
  /** Users available to be matched, longest-waiting first, one bounded page, leaving out `exceptId`; and how many there are. */
  page(offset: number, limit: number, exceptId?: string): Promise<{ users: WaitingUser[]; total: number }>;
  close(): Promise<void>;
}
