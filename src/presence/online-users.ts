import { randomUUID } from "node:crypto";
import type { Logger } from "../logger/index.ts";
import type { UserStore } from "../users/store.ts";
import type { OnlineTable } from "./online-table.ts";

export interface OnlineUsersOptions {
  /** A process that stops renewing (it crashed) loses its users after this long. */
  leaseMs: number;
  /** How long a user with no connection left stays online, for a hand-off between rooms and processes. */
  graceMs: number;
}

/** Users taken offline per sweep step; a step is one script run in Redis. */
const EXPIRE_BATCH = 500;

/** A task this process runs on a timer; see `startHousekeeping`. */
export interface PresenceTask {
  name: string;
  everyMs: number;
  once: false;
  run(): Promise<unknown>;
}

/**
 * This process's side of who is online: rooms report each connection that opens and
 * closes; the shared table says who is online across processes. The store's
 * `isOnline`/`lastSeen` are written on real transitions only (coming online, going
 * offline after the grace or a dead process's lease), by the process that saw them.
 */
export class OnlineUsers {
  readonly processId = randomUUID();
  readonly #table: OnlineTable;
  readonly #users: UserStore;
  readonly #logger: Logger;
  readonly #options: OnlineUsersOptions;
  /** Open connections in this process, per user; the table holds one per user this process serves. */
  readonly #local = new Map<string, number>();
  #restoring: Promise<void> | undefined;
  /**
   * Until when this process is sure of its lease without asking: half a lease after it was
   * last granted or renewed (renewals come every third of a lease), which leaves room for
   * other processes' clocks; 0 when unsure.
   */
  #leaseSureUntil = 0;

  constructor(table: OnlineTable, users: UserStore, logger: Logger, options: OnlineUsersOptions) {
    this.#table = table;
    this.#users = users;
    this.#logger = logger;
    this.#options = options;
  }

  /**
   * The shared table hears only of a user's first connection in this process and of
   * their last: a lobby → chat hand-off inside one process costs Redis nothing.
   */
  async connected(userId: string): Promise<void> {
    await this.#connect(userId);
  }

  /** `connected`, then how many users are online with them: the count goes with the connect when the table batches them. */
  async connectedAndCounted(userId: string): Promise<number> {
    const [restored, counted] = await Promise.all([this.#connect(userId), this.#table.count()]);
    return restored ? this.#table.count() : counted;
  }

  /** True if the process's lease had lapsed and its connections were put back (a count taken alongside is then stale). */
  async #connect(userId: string): Promise<boolean> {
    const held = (this.#local.get(userId) ?? 0) + 1;
    this.#local.set(userId, held);
    if (held > 1) return false;
    const now = Date.now();
    const outcome = await this.#table.connect(this.processId, userId, now, this.#leaseSureUntil);
    if (outcome === "online") this.#record(userId, true, now);
    else if (outcome === "lapsed") {
      this.#leaseSureUntil = 0;
      await this.#restore();
    }
    return outcome === "lapsed";
  }

  async disconnected(userId: string): Promise<void> {
    const left = (this.#local.get(userId) ?? 0) - 1;
    if (left < 0) return;
    if (left > 0) return void this.#local.set(userId, left);
    this.#local.delete(userId);
    await this.#table.disconnect(this.processId, userId, Date.now() + this.#options.graceMs);
  }

  /** How many users are online, across processes (O(1)). */
  count(): Promise<number> {
    return this.#table.count();
  }

  /** A page of online users (longest online first) and their total. */
  page(offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
    return this.#table.page(offset, limit);
  }

  /** Keeps this process's connections alive: one write, however many users it serves. */
  async renew(): Promise<void> {
    const now = Date.now();
    try {
      if (await this.#table.renew(this.processId, now, now + this.#options.leaseMs)) return this.#grantedAt(now);
    } catch (error) {
      this.#leaseSureUntil = 0;
      throw error;
    }
    this.#leaseSureUntil = 0;
    await this.#restore();
  }

  #grantedAt(now: number): void {
    this.#leaseSureUntil = now + Math.floor(this.#options.leaseMs / 2);
  }

  /** Takes offline the users whose grace ended or whose process died; returns them. */
  async expire(): Promise<string[]> {
    const gone: string[] = [];
    for (;;) {
      const now = Date.now();
      const { offline, more } = await this.#table.expire(now, EXPIRE_BATCH);
      for (const userId of offline) this.#record(userId, false, now);
      gone.push(...offline);
      if (!more) return gone;
    }
  }

  tasks(): PresenceTask[] {
    const { leaseMs, graceMs } = this.#options;
    return [
      { name: "renew-online-lease", everyMs: Math.max(200, Math.floor(leaseMs / 3)), once: false, run: () => this.renew() },
      { name: "expire-online", everyMs: Math.max(100, Math.floor(Math.min(graceMs, leaseMs) / 2)), once: false, run: () => this.expire() },
    ];
  }

  /**
   * Puts this process's connections back in the table after its lease lapsed (it was
   * cut off from Redis, or Redis lost everything). The snapshot is taken when the
   * script is sent, so connections opened before are in it, and later ones follow it.
   */
  #restore(): Promise<void> {
    return (this.#restoring ??= (async () => {
      try {
        const now = Date.now();
        const held = new Map([...this.#local.keys()].map((userId) => [userId, 1]));
        const cameOnline = await this.#table.restore(this.processId, held, now, now + this.#options.leaseMs);
        this.#grantedAt(now);
        for (const userId of cameOnline) this.#record(userId, true, now);
      } finally {
        this.#restoring = undefined;
      }
    })());
  }

  #record(userId: string, online: boolean, at: number): void {
    this.#users.setOnline(userId, online, new Date(at)).catch((error: unknown) => {
      this.#logger.warn("Could not record presence", { userId, online, error: String(error) });
    });
  }
}
