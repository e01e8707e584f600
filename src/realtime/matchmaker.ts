import { metrics } from "../metrics/index.ts";
import { pickPairs, type PairingRule } from "./pairing-rules.ts";
import type { PresenceLock } from "./lock.ts";
import type { MatchQueue, QueueEntry } from "./queue.ts";

/** Gives a claimed pair their chat; throwing puts both back in the queue. */
export type OpenChat = (a: QueueEntry, b: QueueEntry) => Promise<void>;

/**
 * Pairs waiting users. Any lobby, in any process, may call `run()` at any time: one
 * caller at a time holds the lock and keeps passing over the queue until it has seen
 * its latest version, so an addition made while the lock was busy is never missed.
 */
export class Matchmaker {
  readonly #queue: MatchQueue;
  readonly #lock: PresenceLock;
  readonly #rules: PairingRule[];
  readonly #openChat: OpenChat;
  readonly #onError: (error: unknown) => void;

  constructor(options: {
    queue: MatchQueue;
    lock: PresenceLock;
    rules: PairingRule[];
    openChat: OpenChat;
    onError: (error: unknown) => void;
  }) {
    this.#queue = options.queue;
    this.#lock = options.lock;
    this.#rules = options.rules;
    this.#openChat = options.openChat;
    this.#onError = options.onError;
  }

  async run(): Promise<void> {
    for (;;) {
      if (!(await this.#lock.tryAcquire())) return;
      let seen: number;
      try {
        do {
          seen = await this.#queue.version();
          await this.#pass();
        } while (seen !== (await this.#queue.version()));
      } finally {
        this.#lock.release();
      }
      if (seen === (await this.#queue.version())) return;
    }
  }

  async #pass(): Promise<void> {
    const pairs = pickPairs(await this.#queue.entries(), this.#rules, Date.now());
    for (const [a, b] of pairs) {
      if (await this.#queue.claim(a, b)) void this.#open(a, b);
    }
  }

  async #open(a: QueueEntry, b: QueueEntry): Promise<void> {
    try {
      await this.#openChat(a, b);
      const now = Date.now();
      metrics.matched([now - a.since, now - b.since]);
    } catch (error) {
      this.#onError(error);
      await Promise.all([this.#queue.restore(a), this.#queue.restore(b)]).catch(this.#onError);
    }
  }
}
