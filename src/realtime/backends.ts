import { LocalPresence, matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import { NameIndexedLocalDriver } from "../matchmaking/driver/local-driver.ts";
import { NameIndexedRedisDriver } from "../matchmaking/driver/redis-driver.ts";
import type { Config, RedisTarget } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { connectRedis } from "../redis/connect.ts";
import type { ProcessRegistry } from "./dead-processes.ts";
import { RoomName } from "../../rooms/protocol.ts";

export interface RealtimeBackends {
  presence: Presence;
  driver: MatchMakerDriver;
  /** Which process a new room goes to (always given: Colyseus keeps the last one set for the life of the module). */
  selectProcessIdToCreateRoom: matchMaker.SelectProcessIdCallback;
  /** Which processes stopped reporting, for forgetting the dead ones. */
  processes: ProcessRegistry;
}

/**
 * Redis presence and driver. When Redis comes back after an outage it may have lost
 * everything (a restart without persistence): this process then lists its live rooms
 * and its room count again, so they can be found and new rooms placed.
 */
function redisBackends(target: RedisTarget, logger: Logger): RealtimeBackends {
  const presenceConnection = connectRedis(target, logger, "presence");
  const driverConnection = connectRedis(target, logger, "matchmaking");
  let wasReady = false;
  presenceConnection.on("ready", () => {
    if (!wasReady) {
      wasReady = true;
      return;
    }
    if (matchMaker.state !== matchMaker.MatchMakerState.READY) return;
    Promise.all([matchMaker.restoreMissingRoomCaches(), matchMaker.stats.persist(true)]).catch((error: unknown) => {
      logger.warn("Could not list this process's rooms again after Redis came back", { error: String(error) });
    });
  });
  // A lobby seat is served by the process asked (no pub/sub request); a chat is opened by the
  // process of one of its pair's lobbies (`chatHosts`), which reserves both seats itself.
  const driver = new NameIndexedRedisDriver(driverConnection, { servedHere: [RoomName.Lobby, RoomName.Chat], foundById: [RoomName.Chat] });
  return {
    presence: new RedisPresence(presenceConnection),
    driver,
    selectProcessIdToCreateRoom: driver.selectProcessIdToCreateRoom,
    processes: { silent: driver.silentProcesses, forget: driver.forgetProcess },
  };
}

/** The one place that decides where shared realtime state lives: in this process, or in Redis (`REDIS_URL`). */
export function chooseBackends(config: Pick<Config, "redis">, logger: Logger): RealtimeBackends {
  if (config.redis) return redisBackends(config.redis, logger);
  return {
    presence: new LocalPresence(),
    driver: new NameIndexedLocalDriver(),
    selectProcessIdToCreateRoom: async () => matchMaker.processId,
    processes: { silent: async () => [], forget: async () => undefined },
  };
}
