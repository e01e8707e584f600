import type { DatabaseSync } from "node:sqlite";

interface PendingWrite {
  write(): void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Commits the writes asked for in one turn of the event loop together, right after the
 * turn. Each SQLite commit is a WAL write the event loop waits for (about 30 µs of CPU and
 * 0.2 ms of wall time); a presence sweep that takes 500 users offline then costs one commit,
 * not 500. Each write settles on its own: one that fails does not undo the others.
 */
export function turnWrites(db: DatabaseSync): (write: () => void) => Promise<void> {
  let pending: PendingWrite[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    try {
      db.exec("BEGIN");
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    const failed = new Map<PendingWrite, unknown>();
    for (const p of batch) {
      try {
        p.write();
      } catch (error) {
        failed.set(p, error);
      }
    }
    try {
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      for (const p of batch) p.reject(error);
      return;
    }
    for (const p of batch) (failed.has(p) ? p.reject(failed.get(p)) : p.resolve());
  };
  return (write) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ write, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
}
