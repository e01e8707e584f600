import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteDatabase } from "../../src/users/sqlite/database.ts";
import { forEachStoreBackend } from "./backends.ts";

forEachStoreBackend("AuditStore contract", (open) => {
  it("keeps every entry with who, what, when and about whom, newest first, in pages and per user", async () => {
    const stores = await open();
    try {
      const target = `t${process.pid}${Date.now()}`;
      const ban = await stores.audit.append({ actor: "alice", action: "ban", targetId: target, details: { reason: "spam", until: "2030-01-01T00:00:00.000Z" } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const unban = await stores.audit.append({ actor: "bob", action: "unban", targetId: target, details: {} });
      await stores.audit.append({ actor: "bob", action: "view-reports", targetId: `other${target}`, details: {} });
      assert.match(ban.id, /^[0-9a-f]{24}$/);
      assert.ok(ban.at instanceof Date);

      const about = await stores.audit.list({ targetId: target, limit: 10 });
      assert.deepEqual(about.map((e) => [e.actor, e.action]), [["bob", "unban"], ["alice", "ban"]]);
      assert.deepEqual(about[1]!.details, { reason: "spam", until: "2030-01-01T00:00:00.000Z" });
      const newest = await stores.audit.list({ limit: 1 });
      assert.equal(newest.length, 1);
      const older = await stores.audit.list({ targetId: target, before: unban.at, limit: 10 });
      assert.deepEqual(older.map((e) => e.id), [ban.id]);
    } finally {
      await stores.close();
    }
  });
});

describe("AuditStore on SQLite: append-only in the database itself", () => {
  it("refuses to change or delete an entry", () => {
    const db: DatabaseSync = openSqliteDatabase(":memory:");
    db.prepare("INSERT INTO audit_log (id, at, actor, action, target_id, details) VALUES ('a', 1, 'alice', 'ban', 'u', '{}')").run();
    assert.throws(() => db.exec("UPDATE audit_log SET actor = 'mallory'"), /append-only/);
    assert.throws(() => db.exec("DELETE FROM audit_log"), /append-only/);
    db.close();
  });
});
