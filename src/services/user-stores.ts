import type { AuditStore } from "../users/audit-store.ts";
import type { SafetyStore } from "../users/safety-store.ts";
import { sqliteAuditStore } from "../users/sqlite/audit-store.ts";
import { openSqliteDatabase } from "../users/sqlite/database.ts";
import { sqliteSafetyStore } from "../users/sqlite/safety-store.ts";
import { sqliteUserStore } from "../users/sqlite/user-store.ts";
import type { UserStore } from "../users/store.ts";

export interface Stores {
  users: UserStore;
  safety: SafetyStore;
  audit: AuditStore;
  close(): Promise<void>;
}

/** The one place that decides where this process keeps users: MongoDB when configured, else SQLite. */
export async function openStores(config: { mongodbUri?: string | undefined; databaseFile: string }): Promise<Stores> {
  if (config.mongodbUri) {
    const { connectMongo } = await import("../users/mongo/connection.ts");
    const { mongoUserStore } = await import("../users/mongo/user-store.ts");
    const { mongoSafetyStore } = await import("../users/mongo/safety-store.ts");
    const { mongoAuditStore } = await import("../users/mongo/audit-store.ts");
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
