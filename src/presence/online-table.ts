/**
 * Who holds a connection of whom, shared by every process of a deployment: the
 * contract behind "a user is online while any process holds a connection of theirs".
 *
 * Connections are counted per user and per process. Each process holds one lease
 * for all its connections and renews it (one write per period, whatever its number
 * of users); when a process stops renewing, `expire` takes back its connections. A
 * user whose last connection closed stays listed until `offlineAt`, so that moving
 * from the lobby to a chat on another process never shows them offline, whatever
 * the order of the two connections.
 *
 * Every method is one atomic step: two processes never see a half-done change.
 * Times are milliseconds since the epoch, from the caller's clock.
 */
export interface OnlineTable {
  /**
   * Records one more connection of `userId` held by `processId` (`OnlineUsers` sends
   * only a user's first connection in a process, and `disconnect` for their last: the
   * Redis table keeps which processes hold a user, not how many connections each). "online" when the
   * user just came online, "same" when they already were (or were within their
   * grace), "lapsed" when the process's lease ran out or was never granted: nothing
   * was recorded, and the caller should `restore` its connections. A caller that renewed
   * its lease lately passes `leaseSureUntil`: before then the lease is not checked.
   */
  connect(processId: string, userId: string, now: number, leaseSureUntil?: number): Promise<ConnectOutcome>;
  /** Records that one connection closed; with none left anywhere, the user goes offline at `offlineAt`. */
  disconnect(processId: string, userId: string, offlineAt: number): Promise<void>;
  /** Extends the lease over every connection `processId` holds; false if it had lapsed (then `restore`). */
  renew(processId: string, now: number, until: number): Promise<boolean>;
  /**
   * Replaces what the table holds for `processId` by `connections` (user id → open
   * connections) and grants its lease until `until`. Returns the users who came online.
   */
  restore(processId: string, connections: ReadonlyMap<string, number>, now: number, until: number): Promise<string[]>;
  /**
   * Takes offline at most `limit` users whose grace ended, or whose last connection was
   * held by a process whose lease ran out. Reads only what expired.
   */
  expire(now: number, limit: number): Promise<{ offline: string[]; more: boolean }>;
  /** Users online now (O(1)). */
  count(): Promise<number>;
  /** A page of online users, longest online first, and how many there are. */
  page(offset: number, limit: number): Promise<{ ids: string[]; total: number }>;
}

export type ConnectOutcome = "online" | "same" | "lapsed";
