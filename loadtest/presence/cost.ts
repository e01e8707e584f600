/**
 * What presence costs Redis, from INFO commandstats on a private redis-server:
 * commands per lobby join + leave, a sweep with 10 and 10,000 users online, and the
 * message budget per message. Run: `npx node loadtest/presence/cost.ts`.
 */
import { Redis } from "ioredis";
import { createLogger } from "../../src/logger/index.ts";
import { OnlineUsers } from "../../src/presence/online-users.ts";
import { RedisMessageBudget } from "../../src/presence/redis-message-budget.ts";
import { RedisOnlineTable } from "../../src/presence/redis-online-table.ts";
import type { UserStore } from "../../src/users/store.ts";
import { spawnRedisServer } from "../../scripts/redis-server.ts";
import { freePort } from "../../tests/helpers/process.ts";

const logger = createLogger({ isProduction: false, log: { level: "silent", dir: "/tmp", console: false } });
const users = { setOnline: async () => undefined } as unknown as UserStore;
const LEASE_MS = 30_000;

type Stats = Map<string, { calls: number; usec: number }>;

async function commandstats(redis: Redis): Promise<Stats> {
  const stats: Stats = new Map();
  for (const line of (await redis.info("commandstats")).split("\r\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** Redis commands (scripts and what they ran) while `work` runs, apart from INFO/CONFIG. */
async function measure(redis: Redis, work: () => Promise<unknown>): Promise<string> {
  await redis.config("RESETSTAT");
  await work();
  const stats = await commandstats(redis);
  const parts = [...stats]
    .filter(([name]) => !["info", "config|resetstat", "config"].includes(name))
    .map(([name, { calls, usec }]) => `${name}=${calls} (${usec} µs)`);
  return parts.join(", ") || "none";
}

const port = await freePort();
const server = await spawnRedisServer(port);
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url);
try {
  const table = new RedisOnlineTable(new Redis(url));
  const online = new OnlineUsers(table, users, logger, { leaseMs: LEASE_MS, graceMs: 3000 });
  await online.connected("warm-up"); // the first connection of a process also takes its lease

  console.log("One lobby join + leave (presence only):");
  console.log(`  ${await measure(admin, async () => { await online.connected("u1"); await online.disconnected("u1"); })}`);
  console.log(`  renewal, per process per period: ${await measure(admin, () => online.renew())}`);

  for (const count of [10, 10_000]) {
    await admin.flushall();
    const fresh = new OnlineUsers(new RedisOnlineTable(new Redis(url)), users, logger, { leaseMs: LEASE_MS, graceMs: 3000 });
    for (let i = 0; i < count; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => fresh.connected(`user-${i + j}`)));
    }
    console.log(`A sweep with ${count} users online, nothing expired:`);
    console.log(`  sweep:   ${await measure(admin, () => fresh.expire())}`);
    console.log(`  renewal: ${await measure(admin, () => fresh.renew())}`);
  }

  const budget = new RedisMessageBudget(new Redis(url), logger, 100);
  console.log("Message budget, 100 messages of one user (limit 100/min):");
  console.log(`  ${await measure(admin, async () => { for (let i = 0; i < 100; i++) await budget.take("talker"); })}`);
  const script = new Redis(url);
  script.defineCommand("takeOne", { numberOfKeys: 1, lua: "return redis.call('INCR', KEYS[1])" });
  const started = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) await (script as unknown as { takeOne(key: string): Promise<number> }).takeOne("probe");
  const perTripUs = Number(process.hrtime.bigint() - started) / 2000 / 1000;
  console.log(`  a round trip per message would add ${perTripUs.toFixed(0)} µs per message (2,000 sequential script calls)`);
  const local = process.hrtime.bigint();
  for (let i = 0; i < 100_000; i++) budget.take(`local-${i % 10}`);
  console.log(`  a take from the local allowance: ${(Number(process.hrtime.bigint() - local) / 100_000).toFixed(0)} ns`);
} finally {
  admin.disconnect();
  server.kill("SIGKILL");
  process.exit(0);
}
