import type { Config } from "../config/index.ts";
import { openSqliteUserStore } from "./sqlite-store.ts";
import type { UserStore } from "./store.ts";

/** The one place that decides which user store this process uses. */
export async function openUserStore(config: Config): Promise<UserStore> {
  if (config.mongodbUri) {
    const { openMongoUserStore } = await import("./mongo-store.ts");
    return openMongoUserStore(config.mongodbUri);
  }
  return openSqliteUserStore(config.databaseFile);
}
