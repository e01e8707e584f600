import type { AuditStore } from "./audit-store.ts";
import type { SafetyStore } from "./safety-store.ts";
import { sqliteAuditStore } from "./sqlite/audit-store.ts";
import { openSqliteDatabase } from "./sqlite/database.ts";
import { sqliteSafetyStore } from "./sqlite/safety-store.ts";
import { sqliteUserStore } from "./sqlite/user-store.ts";
import type { UserStore } from "./store.ts";

export interface Stores {
  users: UserStore;
  safety: SafetyStore;
  audit: AuditStore;
  close(): Promise<void>;
}

/** The one place that decides where this process keeps users: MongoDB when configured, else SQLite. */
export async function openStores(config: { mongodbUri?: string | undefined; databaseFile: string }): Promise<Stores> {
  if (config.mongodbUri) {
    const { connectMongo } = await import("./mongo/connection.ts");
    const { mongoUserStore } = await import("./mongo/user-store.ts");
    const { mongoSafetyStore } = await import("./mongo/safety-store.ts");
    const { mongoAuditStore } = await import("./mongo/audit-store.ts");
    const connection = await connectMongo(config.mongodbUri);
    return {
      users: await mongoUserStore(connection),
      safety: await mongoSafetyStore(connection),
      audit: await mongoAuditStore(connection),
      close: () => connection.close(),
    };
  }
  const db = openSqliteDatabase(config.databaseFile);
  return {
    users: sqliteUserStore(db),
    safety: sqliteSafetyStore(db),
    audit: sqliteAuditStore(db),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
