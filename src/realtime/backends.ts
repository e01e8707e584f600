import { LocalDriver, LocalPresence, type MatchMakerDriver, type Presence } from "@colyseus/core";
import type { Config } from "../config/index.ts";

export interface RealtimeBackends {
  presence: Presence;
  driver: MatchMakerDriver;
}

/** The one place that decides where shared realtime state lives: in this process, or (later) in Redis. */
export function chooseBackends(config: Pick<Config, "redisUrl">): RealtimeBackends {
  if (config.redisUrl) {
    throw new Error("REDIS_URL is set, but Redis presence is not supported by this build yet; unset it to run one process");
  }
  return { presence: new LocalPresence(), driver: new LocalDriver() };
}
