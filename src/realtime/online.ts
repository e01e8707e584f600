import type { Presence } from "@colyseus/core";
import type { Logger } from "../logger/index.ts";
import type { UserStore } from "../users/store.ts";

const CONNECTIONS_KEY = "pairline:online:connections";

/**
 * A user is online while connected to any room. Connections are counted per user in
 * presence, so the store is written only when a user comes online or goes offline.
 */
export class OnlineTracker {
  readonly #presence: Presence;
  readonly #users: UserStore;
  readonly #logger: Logger;

  constructor(presence: Presence, users: UserStore, logger: Logger) {
    this.#presence = presence;
    this.#users = users;
    this.#logger = logger;
  }

  async connected(userId: string): Promise<void> {
    if ((await this.#presence.hincrby(CONNECTIONS_KEY, userId, 1)) === 1) this.#record(userId, true);
  }

  async disconnected(userId: string): Promise<void> {
    if ((await this.#presence.hincrby(CONNECTIONS_KEY, userId, -1)) > 0) return;
    await this.#presence.hdel(CONNECTIONS_KEY, userId);
    this.#record(userId, false);
  }

  /** How many users are online right now. */
  count(): Promise<number> {
    return this.#presence.hlen(CONNECTIONS_KEY);
  }

  #record(userId: string, online: boolean): void {
    this.#users.setOnline(userId, online, new Date()).catch((error: unknown) => {
      this.#logger.warn("Could not record presence", { userId, online, error: String(error) });
    });
  }
}
