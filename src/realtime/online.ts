import type { Logger } from "../logger/index.ts";
import type { UserStore } from "../users/store.ts";
import type { LeaseTable } from "./leases.ts";

/**
 * A user is online while connected to any room, in any process. Each process counts
 * its own connections per user and holds an online lease for each user it serves;
 * the store's `isOnline`/`lastSeen` are written only when a user comes or goes, never
 * per message. A user whose process died drops out when the lease runs out (`sweep`).
 */
export class OnlineTracker {
  readonly #leases: LeaseTable;
  readonly #users: UserStore;
  readonly #logger: Logger;
  /** Open connections in this process, per user. */
  readonly #local = new Map<string, number>();

  constructor(leases: LeaseTable, users: UserStore, logger: Logger) {
    this.#leases = leases;
    this.#users = users;
    this.#logger = logger;
  }

  async connected(userId: string): Promise<void> {
    const connections = (this.#local.get(userId) ?? 0) + 1;
    this.#local.set(userId, connections);
    if (connections === 1 && (await this.#leases.grant(userId))) this.#record(userId, true);
  }

  async disconnected(userId: string): Promise<void> {
    const connections = (this.#local.get(userId) ?? 0) - 1;
    if (connections > 0) {
      this.#local.set(userId, connections);
      return;
    }
    this.#local.delete(userId);
    if (await this.#leases.revoke(userId)) this.#record(userId, false);
  }

  isLocal(userId: string): boolean {
    return this.#local.has(userId);
  }

  /** How many users are online now, across processes (O(1)). */
  count(): Promise<number> {
    return this.#leases.count();
  }

  /** Online user ids, oldest lease first is not promised: ordered by id for stable pages. */
  async list(): Promise<string[]> {
    return [...(await this.#leases.live()).keys()].sort();
  }

  /** Keeps this process's users online; called on a timer well inside the lease. */
  renew(): Promise<void> {
    return this.#leases.renew(this.#local.keys());
  }

  /** Takes offline the users whose process stopped renewing them. */
  async sweep(): Promise<string[]> {
    const gone = await this.#leases.sweep();
    for (const userId of gone) this.#record(userId, false);
    return gone;
  }

  #record(userId: string, online: boolean): void {
    this.#users.setOnline(userId, online, new Date()).catch((error: unknown) => {
      this.#logger.warn("Could not record presence", { userId, online, error: String(error) });
    });
  }
}
