import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import type { UserStore } from "../users/store.ts";
import { MemoryLobbySessions, RedisLobbySessions, type LobbySessions } from "./lobby-sessions.ts";
import { LocalMessageBudget, type MessageBudget } from "./message-budget.ts";
import { MemoryOnlineTable } from "./memory-online-table.ts";
import { OnlineUsers } from "./online-users.ts";
import { RedisMessageBudget } from "./redis-message-budget.ts";
import { RedisOnlineTable } from "./redis-online-table.ts";

export type { LobbySession, LobbySessions } from "./lobby-sessions.ts";
export type { MessageBudget } from "./message-budget.ts";
export type { OnlineUsers, PresenceTask } from "./online-users.ts";

/** Who is online, where each user's lobby connection is and how much each user may send, for this process. */
export interface UserPresence {
  online: OnlineUsers;
  budget: MessageBudget;
  lobbySessions: LobbySessions;
  close(): Promise<void>;
}

type PresenceConfig = Pick<Config, "redis"> & {
  limits: Pick<Config["limits"], "presenceLeaseMs" | "presenceGraceMs" | "roomMessagesPerMinute">;
};

/** The one place that decides where presence lives: in this process, or in Redis (`REDIS_URL`). */
export function choosePresence(config: PresenceConfig, users: UserStore, logger: Logger): UserPresence {
  const { presenceLeaseMs: leaseMs, presenceGraceMs: graceMs, roomMessagesPerMinute } = config.limits;
  if (!config.redis) {
    // Alone, this process is the only one that could hold connections, and it holds none yet.
    users.setEveryoneOffline().catch((error: unknown) => logger.warn("Could not record everyone offline", { error: String(error) }));
    return {
      online: new OnlineUsers(new MemoryOnlineTable(), users, logger, { leaseMs, graceMs }),
      budget: new LocalMessageBudget(roomMessagesPerMinute),
      lobbySessions: new MemoryLobbySessions(),
      close: async () => undefined,
    };
  }
  const redis = connectRedis(config.redis, logger, "online");
  return {
    online: new OnlineUsers(new RedisOnlineTable(redis), users, logger, { leaseMs, graceMs }),
    budget: new RedisMessageBudget(redis, logger, roomMessagesPerMinute),
    lobbySessions: new RedisLobbySessions(redis),
    close: () => disconnectRedis(redis),
  };
}
