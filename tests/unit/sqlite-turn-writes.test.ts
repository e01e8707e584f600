import assert from "node:assert/strict";
import path from "node:path";
import { openSqliteDatabase } from "../../src/users/sqlite/database.ts";
import { turnWrites } from "../../src/users/sqlite/turn-writes.ts";
import { tempDir } from "../helpers/server.ts";

describe("sqlite: writes of one turn committed together", () => {
  it("stores every write of the turn, and a failing write fails alone", async () => {
    const db = openSqliteDatabase(path.join(tempDir("pairline-turn-writes-"), "p.db"));
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const write = turnWrites(db);
    const results = await Promise.allSettled([
      write(() => insert.run("a", 1)),
      write(() => insert.run("a", 2)),
      write(() => insert.run("b", 3)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.deepEqual(db.prepare("SELECT k, v FROM t ORDER BY k").all().map((r) => ({ ...r })), [{ k: "a", v: 1 }, { k: "b", v: 3 }]);
    assert.equal(db.isTransaction, false);
    await write(() => insert.run("c", 4));
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n, 3);
    db.close();
  });

  it("commits the writes asked within the gap after a commit together, in the order asked", async () => {
    const db = openSqliteDatabase(path.join(tempDir("pairline-turn-writes-"), "p.db"));
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
    const upsert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
    let commits = 0;
    const counted = new Proxy(db, {
      get: (target, key) =>
        key === "exec" ? (sql: string) => (sql === "COMMIT" && commits++, target.exec(sql)) : Reflect.get(target, key, target),
    });
    const write = turnWrites(counted, 100);
    await write(() => upsert.run("a", 1));
    assert.equal(commits, 1, "the first write does not wait");
    const later: Promise<void>[] = [];
    for (const v of [2, 3, 4]) {
      later.push(write(() => upsert.run("a", v)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(commits, 1, "writes in the gap wait for it");
    await Promise.all(later);
    assert.equal(commits, 2, "and share one commit");
    assert.equal((db.prepare("SELECT v FROM t WHERE k = 'a'").get() as { v: number }).v, 4);
    db.close();
  });
});
