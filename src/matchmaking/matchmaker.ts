import { metrics } from "../metrics/index.ts";
import type { Pair, QueueEntry } from "./entry.ts";
import type { EnqueueOutcome, WaitingQueue } from "./queue.ts";

/** Gives a claimed pair their chat; throwing puts both back in their places. */
export type OpenChat = (a: QueueEntry, b: QueueEntry) => Promise<void>;

/** Entries sent to the queue in one call, at most (bounds the time one script holds Redis). */
const MAX_BATCH = 100;

/**
 * What the lobby asks of matching. Entries that arrive in the same turn of the event
 * loop go to the queue in one call, which pairs them (with each other or with those
 * already waiting) at once; each pair found is handed its chat, then confirmed, or
 * released back to the queue if the chat could not be opened.
 */
export class Matchmaker {
  readonly #queue: WaitingQueue;
  readonly #openChat: OpenChat;
  readonly #onError: (error: unknown) => void;
  #pending: Array<{ entry: QueueEntry; resolve(outcome: EnqueueOutcome): void; reject(error: unknown): void }> = [];
  #passing = false;

  constructor(options: { queue: WaitingQueue; openChat: OpenChat; onError: (error: unknown) => void }) {
    this.#queue = options.queue;
    this.#openChat = options.openChat;
    this.#onError = options.onError;
  }

  enqueue(entry: QueueEntry): Promise<EnqueueOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#flush());
    });
  }

  cancel(userId: string, sessionId: string): Promise<boolean> {
    return this.#queue.cancel(userId, sessionId);
  }

  /** The user's connection dropped: their entry keeps its place but is not matched until they are back. */
  pause(userId: string, sessionId: string): Promise<"paused" | "claimed" | "absent"> {
    return this.#queue.pause(userId, sessionId);
  }

  async resume(userId: string, sessionId: string): Promise<"queued" | "claimed" | "absent"> {
    const { status, pairs } = await this.#queue.resume(userId, sessionId);
    this.#openAll(pairs);
    return status;
  }

  /** Serves the waiting users whose preferences widened; one pass at a time per process. */
  async matchWaiting(): Promise<void> {
    if (this.#passing || !this.#queue.hasLocalEntries()) return;
    this.#passing = true;
    try {
      this.#openAll(await this.#queue.matchWaiting());
    } finally {
      this.#passing = false;
    }
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (let i = 0; i < pending.length; i += MAX_BATCH) {
      const batch = pending.slice(i, i + MAX_BATCH);
      this.#queue.enqueue(batch.map((p) => p.entry)).then(
        ({ outcomes, pairs }) => {
          batch.forEach((p, j) => p.resolve(outcomes[j]!));
          this.#openAll(pairs);
        },
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      );
    }
  }

  #openAll(pairs: Pair[]): void {
    for (const pair of pairs) void this.#open(pair);
  }

  async #open(pair: Pair): Promise<void> {
    const [a, b] = pair;
    try {
      await this.#openChat(a, b);
      const now = Date.now();
      metrics.matched([now - a.since, now - b.since]);
      await this.#queue.confirm(pair);
    } catch (error) {
      this.#onError(error);
      await this.#queue.release(pair).catch(this.#onError);
    }
  }
}
