import type { DatabaseSync } from "node:sqlite";
import type { AuditAction, AuditEntry, AuditStore } from "../audit-store.ts";
import { newId } from "./database.ts";

interface AuditRow {
  id: string;
  at: number;
  actor: string;
  action: string;
  target_id: string | null;
  details: string;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: new Date(row.at),
  actor: row.actor,
  action: row.action as AuditAction,
  targetId: row.target_id,
  details: JSON.parse(row.details) as AuditEntry["details"],
});

export function sqliteAuditStore(db: DatabaseSync): AuditStore {
  const statements = {
    append: db.prepare("INSERT INTO audit_log (id, at, actor, action, target_id, details) VALUES (?, ?, ?, ?, ?, ?)"),
    list: db.prepare("SELECT * FROM audit_log WHERE at < ? ORDER BY at DESC, rowid DESC LIMIT ?"),
    listAbout: db.prepare("SELECT * FROM audit_log WHERE target_id = ? AND at < ? ORDER BY at DESC, rowid DESC LIMIT ?"),
  };
  return {
    async append(input) {
      const entry: AuditEntry = { ...input, id: newId(), at: new Date() };
      statements.append.run(entry.id, entry.at.getTime(), entry.actor, entry.action, entry.targetId, JSON.stringify(entry.details));
      return entry;
    },
    async list({ before, targetId, limit }) {
      const until = before?.getTime() ?? Number.MAX_SAFE_INTEGER;
      const rows = targetId ? statements.listAbout.all(targetId, until, limit) : statements.list.all(until, limit);
      return (rows as unknown as AuditRow[]).map(toEntry);
    },
  };
}
