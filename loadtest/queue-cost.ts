/**
 * What one enqueue + match costs against 1k, 10k and 100k waiting entries, with the
 * local queue and the Redis queue (Lua): time per operation, and for Redis the
 * commands it ran (INFO commandstats, script-internal ones included). The waiting
 * entries all ask for a country nobody has, so none can be paired; each measured
 * newcomer is from that country and is paired with the longest-waiting of them.
 * Prints a Markdown table. Flat or logarithmic cost is the goal.
 *
 *   npx node loadtest/queue-cost.ts [--sizes 1000,10000,100000] [--ops 200]
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { LocalWaitingQueue } from "../src/matchmaking/local-queue.ts";
import { defaultQueueOptions, type WaitingQueue } from "../src/matchmaking/queue.ts";
import { RedisWaitingQueue } from "../src/matchmaking/redis-queue.ts";
import { queueEntry } from "../tests/helpers/queue.ts";
import { costBetween, readRedisCost, totalCommands, WHOLE_COLLECTION_COMMANDS } from "../tests/helpers/redis-cost.ts";
import { killAllOnExit } from "./targets/child-process.ts";
import { startRedis } from "./targets/redis.ts";

const FILL_BATCH = 1000;

export interface QueueCostRow {
  queue: string;
  waiting: number;
  microsPerOp: number;
  commandsPerOp?: number;
  wholeCollectionPerOp?: number;
}

async function fill(queue: WaitingQueue, size: number, now: number): Promise<void> {
  for (let done = 0; done < size; done += FILL_BATCH) {
    const batch = Array.from({ length: Math.min(FILL_BATCH, size - done) }, (_, i) =>
      queueEntry(`w${done + i}`, { since: now - size + done + i, country: "AA", preferences: { country: "ZZ" } }));
    await queue.enqueue(batch, now);
  }
}

async function measure(label: string, queue: WaitingQueue, size: number, ops: number, redis?: Redis): Promise<QueueCostRow> {
  const now = Date.now();
  await fill(queue, size, now);
  if ((await queue.size()) !== size) throw new Error(`the queue holds ${await queue.size()} entries, not ${size}`);
  const before = redis ? await readRedisCost(redis) : undefined;
  const started = performance.now();
  for (let i = 0; i < ops; i++) {
    const { pairs } = await queue.enqueue([queueEntry(`n${i}`, { since: now + i, country: "ZZ" })], now + i);
    if (pairs.length !== 1) throw new Error("a newcomer was not paired");
  }
  const micros = ((performance.now() - started) * 1000) / ops;
  const row: QueueCostRow = { queue: label, waiting: size, microsPerOp: micros };
  if (redis && before) {
    const cost = costBetween(before, await readRedisCost(redis));
    row.commandsPerOp = totalCommands(cost) / ops;
    row.wholeCollectionPerOp = WHOLE_COLLECTION_COMMANDS.reduce((sum, name) => sum + (cost.commands[name] ?? 0), 0) / ops;
  }
  return row;
}

export async function queueCost(sizes: number[], ops: number): Promise<QueueCostRow[]> {
  const options = defaultQueueOptions(60_000, 60_000);
  const rows: QueueCostRow[] = [];
  for (const size of sizes) rows.push(await measure("local (in process)", new LocalWaitingQueue(options), size, ops));
  const server = await startRedis();
  try {
    for (const size of sizes) {
      const client = new Redis(server.url);
      const probe = new Redis(server.url);
      await client.flushall();
      rows.push(await measure("Redis (Lua)", new RedisWaitingQueue(client, options), size, ops, probe));
      client.disconnect();
      probe.disconnect();
    }
  } finally {
    await server.process.stop(5000);
  }
  return rows;
}

export function queueCostTable(rows: QueueCostRow[], command: string): string {
  const lines = [
    `One enqueue + match against a queue of waiting users (\`${command}\`; mean over the measured newcomers; Redis: one private redis-server, one connection, round trip included)`,
    "",
    "| queue | waiting entries | µs per enqueue + match | Redis commands per enqueue + match | whole-collection reads |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    lines.push(`| ${row.queue} | ${row.waiting.toLocaleString("en")} | ${row.microsPerOp.toFixed(0)} | ${row.commandsPerOp?.toFixed(1) ?? "—"} | ${row.wholeCollectionPerOp?.toFixed(0) ?? "—"} |`);
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000,100000" }, ops: { type: "string", default: "200" } } });
  killAllOnExit();
  const rows = await queueCost(values.sizes.split(",").map(Number), Number(values.ops));
  console.log(queueCostTable(rows, `npx node loadtest/queue-cost.ts --sizes ${values.sizes} --ops ${values.ops}`));
  process.exit(0);
}
