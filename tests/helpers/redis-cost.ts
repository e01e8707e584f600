import assert from "node:assert/strict";
import type { Redis } from "ioredis";

/** What Redis did between two readings: calls by command (as INFO commandstats names them) and bytes sent. */
export interface RedisCost {
  commands: Record<string, number>;
  outputBytes: number;
}

/** Commands that read a whole key however large it is: never wanted on a hot path. */
export const WHOLE_COLLECTION_COMMANDS = ["hgetall", "hkeys", "hvals", "smembers", "keys", "scan", "hscan", "sscan", "zscan"];

/** Fails if `cost` includes any command that reads a whole key. */
export function assertNoWholeCollectionRead(cost: RedisCost): void {
  for (const command of WHOLE_COLLECTION_COMMANDS) assert.equal(cost.commands[command], undefined, `${command} was called`);
}

/** Redis's running totals (the INFO calls that read them are left out of every difference). */
export async function readRedisCost(client: Redis): Promise<RedisCost> {
  const [commandstats, stats] = await Promise.all([client.info("commandstats"), client.info("stats")]);
  const commands: Record<string, number> = {};
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands[match[1]!] = Number(match[2]);
  const outputBytes = Number(/^total_net_output_bytes:(\d+)/m.exec(stats)?.[1] ?? 0);
  return { commands, outputBytes };
}

export function costBetween(before: RedisCost, after: RedisCost): RedisCost {
  const commands: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after.commands)) {
    const made = calls - (before.commands[name] ?? 0);
    if (made > 0 && name !== "info") commands[name] = made;
  }
  return { commands, outputBytes: after.outputBytes - before.outputBytes };
}

/** The Redis cost of `work`, measured through `client` (which must not be busy with anything else meanwhile). */
export async function redisCostOf(client: Redis, work: () => Promise<unknown>): Promise<RedisCost> {
  const before = await readRedisCost(client);
  await work();
  return costBetween(before, await readRedisCost(client));
}

export const totalCommands = (cost: RedisCost): number => Object.values(cost.commands).reduce((sum, calls) => sum + calls, 0);
