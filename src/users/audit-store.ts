/** What a moderator did; one entry per action, never changed or removed. */
export const AUDIT_ACTIONS = ["ban", "unban", "view-reports", "dismiss-report"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  at: Date;
  /** The admin user name that acted. */
  actor: string;
  action: AuditAction;
  /** The user acted on, if any. */
  targetId: string | null;
  /** What else matters to a later reader: a ban's reason and end, a dismissed report's id. */
  details: Record<string, string | number | boolean | null>;
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "at">;

/**
 * The moderators' audit log: append-only (no method changes or removes an entry; the SQLite
 * table refuses UPDATE and DELETE), read newest first in pages. Every implementation passes
 * the contract suite in `tests/contract`.
 */
export interface AuditStore {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first: entries before `before` (all when unset), about `targetId` when given, at most `limit`. */
  list(options: { before?: Date | undefined; targetId?: string | undefined; limit: number }): Promise<AuditEntry[]>;
}
