import fs from "node:fs";
import path from "node:path";
import { openStores, type Stores } from "../../src/services/user-stores.ts";
import { tempDir } from "../helpers/server.ts";

/**
 * Runs a store contract against every backend: SQLite on a file, SQLite in memory,
 * and MongoDB when `MONGODB_URI` is set (skipped, and saying so, otherwise).
 */
export function forEachStoreBackend(title: string, contract: (open: () => Promise<Stores>) => void): void {
  describe(`${title}: SQLite file`, () => {
    const dir = tempDir();
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    contract(() => openStores({ databaseFile: path.join(dir, "pairline.db") }));
  });

  describe(`${title}: SQLite in memory`, () => {
    contract(() => openStores({ databaseFile: ":memory:" }));
  });

  describe(`${title}: MongoDB`, function () {
    const uri = process.env.MONGODB_URI;
    if (!uri) {
      it("SKIPPED: set MONGODB_URI to run this contract suite against MongoDB", function () {
        this.skip();
      });
      return;
    }
    contract(() => openStores({ mongodbUri: uri, databaseFile: ":memory:" }));
  });
}
