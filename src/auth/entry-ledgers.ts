import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import type { EntryLedger } from "./entry-ledger.ts";
import { memoryEntryLedger } from "./memory-entry-ledger.ts";
import { redisEntryLedger } from "./redis-entry-ledger.ts";

/** The one place that decides where the entry ledger lives: Redis when configured, else this process. */
export function openEntryLedger(config: Pick<Config, "redis">, logger: Logger): EntryLedger {
  return config.redis ? redisEntryLedger(config.redis, logger) : memoryEntryLedger();
}
