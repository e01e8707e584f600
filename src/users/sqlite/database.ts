import { customAlphabet } from "nanoid";
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Ordered schema migrations; `PRAGMA user_version` records how many have run. */
const MIGRATIONS = [
  `CREATE TABLE users (
     id            TEXT PRIMARY KEY,
     username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
     email         TEXT UNIQUE COLLATE NOCASE,
     password_hash TEXT,
     is_guest      INTEGER NOT NULL DEFAULT 0,
     is_online     INTEGER NOT NULL DEFAULT 0,
     last_seen     INTEGER,
     created_at    INTEGER NOT NULL
   );
   CREATE INDEX users_guest_created ON users (is_guest, created_at);`,
  `CREATE TABLE blocks (
     blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (blocker_id, blocked_id)
   );
   CREATE INDEX blocks_blocked ON blocks (blocked_id);
   CREATE TABLE reports (
     id          TEXT PRIMARY KEY,
     reporter_id TEXT NOT NULL,
     reported_id TEXT NOT NULL,
     category    TEXT NOT NULL,
     reason      TEXT,
     messages    TEXT NOT NULL,
     room_id     TEXT,
     created_at  INTEGER NOT NULL
   );
   CREATE INDEX reports_reported ON reports (reported_id, created_at);
   CREATE TABLE bans (
     user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
     until      INTEGER NOT NULL,
     reason     TEXT NOT NULL,
     by         TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE devices (
     user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     device_id  TEXT NOT NULL,
     user_agent TEXT,
     ip         TEXT,
     country    TEXT,
     last_seen  INTEGER NOT NULL,
     PRIMARY KEY (user_id, device_id)
   );
   CREATE INDEX devices_device ON devices (device_id);`,
  `ALTER TABLE reports ADD COLUMN reporter_ip TEXT;
   ALTER TABLE reports ADD COLUMN reporter_device TEXT;`,
  `CREATE INDEX reports_created ON reports (created_at);
   CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
   CREATE TABLE audit_log (
     id        TEXT PRIMARY KEY,
     at        INTEGER NOT NULL,
     actor     TEXT NOT NULL,
     action    TEXT NOT NULL,
     target_id TEXT,
     details   TEXT NOT NULL
   );
   CREATE INDEX audit_log_at ON audit_log (at);
   CREATE INDEX audit_log_target ON audit_log (target_id, at);
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`,
  `CREATE TABLE shadow_pool (
     user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
     since   INTEGER NOT NULL,
     until   INTEGER NOT NULL
   );
   CREATE INDEX shadow_pool_until ON shadow_pool (until);`,
];

const SQLITE_BUSY = 5;

/**
 * Runs the migrations not yet applied, one transaction each. The version is read under
 * the write lock: processes that start together on a fresh file wait for each other,
 * and each migration runs once.
 */
function migrate(db: DatabaseSync): void {
  for (;;) {
    db.exec("BEGIN IMMEDIATE");
    const { user_version: version } = db.prepare("PRAGMA user_version").get() as { user_version: number };
    if (version >= MIGRATIONS.length) {
      db.exec("COMMIT");
      return;
    }
    try {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Switching a fresh file to WAL needs it alone for a moment, and SQLite answers "busy"
 * at once instead of waiting: processes that start together on a new file take turns.
 */
function useWal(db: DatabaseSync): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (error) {
      const busy = (error as { errcode?: number }).errcode === SQLITE_BUSY;
      if (!busy || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + Math.random() * 20);
    }
  }
}

/** Opens (creating and migrating) Pairline's SQLite database. */
export function openSqliteDatabase(file: string): DatabaseSync {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  // WAL + busy timeout let several processes on one machine share the file.
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  useWal(db);
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

/**
 * 24 hex characters (96 random bits), the same shape as a MongoDB ObjectId, so ids look alike
 * on every store. Drawn from a pool of entropy: `randomBytes(12)` costs about 30 times more per call.
 */
export const newId: () => string = customAlphabet("0123456789abcdef", 24);
