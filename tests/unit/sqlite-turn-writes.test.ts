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
});
