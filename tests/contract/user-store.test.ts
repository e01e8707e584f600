import fs from "node:fs";
import path from "node:path";
import { openSqliteUserStore } from "../../src/users/sqlite-store.ts";
import { tempDir } from "../helpers/server.ts";
import { userStoreContract } from "./user-store.contract.ts";

describe("UserStore contract: SQLite file", () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  userStoreContract(async () => openSqliteUserStore(path.join(dir, "users.db")));
});

describe("UserStore contract: SQLite in memory", () => {
  userStoreContract(async () => openSqliteUserStore(":memory:"));
});

describe("UserStore contract: MongoDB", function () {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    it("SKIPPED: set MONGODB_URI to run the contract suite against MongoDB", function () {
      this.skip();
    });
    return;
  }
  userStoreContract(async () => {
    const { openMongoUserStore } = await import("../../src/users/mongo-store.ts");
    return openMongoUserStore(uri);
  });
});
