/**
 * What one lobby join costs in Redis with Colyseus's RedisDriver and with Pairline's
 * name-indexed driver, with few and with many live chat rooms listed: commands (INFO
 * commandstats, script-internal ones included) and bytes Redis sent (INFO stats
 * total_net_output_bytes), per join, averaged over several SDK joins through a real
 * Colyseus server (one process, Redis presence). Prints a Markdown table.
 *
 *   npx node loadtest/driver-cost.ts [--chats 10,10000] [--joins 10]
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { generateId, initializeRoomCache, Room, Server, type MatchMakerDriver } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Client } from "@colyseus/sdk";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Redis } from "ioredis";
import { NameIndexedRedisDriver } from "../src/matchmaking/driver/redis-driver.ts";
import { costBetween, readRedisCost, WHOLE_COLLECTION_COMMANDS, type RedisCost } from "../tests/helpers/redis-cost.ts";
import { freePort } from "../tests/helpers/process.ts";
import { killAllOnExit, supervise, whenReady } from "./targets/child-process.ts";
import { startRedis } from "./targets/redis.ts";

const DRIVERS = {
  colyseus: { label: "Colyseus RedisDriver 0.18.3", open: (redis: Redis): MatchMakerDriver => new RedisDriver(redis) },
  pairline: { label: "Pairline name-indexed driver", open: (redis: Redis): MatchMakerDriver => new NameIndexedRedisDriver(redis) },
} as const;
type DriverName = keyof typeof DRIVERS;

class Lobby extends Room {
  override maxClients = 1000;
}

/** Child mode: a Colyseus server with a lobby room, on the given driver, until killed. */
async function serve(driverName: DriverName, port: number, redisUrl: string): Promise<void> {
  const driver = DRIVERS[driverName].open(new Redis(redisUrl));
  const selector = driver instanceof NameIndexedRedisDriver ? { selectProcessIdToCreateRoom: driver.selectProcessIdToCreateRoom } : {};
  const server = new Server({ transport: new WebSocketTransport(), presence: new RedisPresence(redisUrl), driver, greet: false, ...selector });
  server.define("lobby", Lobby);
  await server.listen(port, "127.0.0.1");
  process.send?.("ready");
}

/** Live chat rooms as Pairline lists them (private, full), written through the driver under test. */
async function listChats(driver: MatchMakerDriver, count: number): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, count - done) }, () =>
        driver.persist(initializeRoomCache({ roomId: generateId(), name: "chat", processId: "chat-host", clients: 2, maxClients: 2, locked: true, private: true, metadata: {} }), true),
      ),
    );
  }
}

export interface DriverCostRow {
  driver: string;
  chats: number;
  commandsPerJoin: number;
  wholeCollectionPerJoin: number;
  bytesPerJoin: number;
  commands: Record<string, number>;
}

async function measure(driverName: DriverName, chats: number, joins: number): Promise<DriverCostRow> {
  const redis = await startRedis();
  const port = await freePort();
  const server = supervise(process.execPath, [fileURLToPath(import.meta.url), "--serve", driverName, "--port", String(port), "--redis", redis.url], {});
  const probe = new Redis(redis.url);
  const writer = DRIVERS[driverName].open(new Redis(redis.url));
  const rooms: Array<{ leave(): Promise<unknown> }> = [];
  try {
    await whenReady(server, 30_000);
    await listChats(writer, chats);
    const sdk = new Client(`http://127.0.0.1:${port}`);
    rooms.push(await sdk.joinOrCreate("lobby")); // opens the lobby room (and loads any script)
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await readRedisCost(probe);
    for (let i = 0; i < joins; i++) rooms.push(await sdk.joinOrCreate("lobby"));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last join's listing update
    const cost: RedisCost = costBetween(before, await readRedisCost(probe));
    const total = Object.values(cost.commands).reduce((sum, calls) => sum + calls, 0);
    const whole = WHOLE_COLLECTION_COMMANDS.reduce((sum, name) => sum + (cost.commands[name] ?? 0), 0);
    return {
      driver: DRIVERS[driverName].label,
      chats,
      commandsPerJoin: total / joins,
      wholeCollectionPerJoin: whole / joins,
      bytesPerJoin: cost.outputBytes / joins,
      commands: cost.commands,
    };
  } finally {
    await Promise.all(rooms.map((room) => room.leave().catch(() => undefined)));
    await writer.shutdown();
    probe.disconnect();
    await server.stop(5000);
    await redis.process.stop(5000);
  }
}

const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${Math.round(bytes)} B`);

/** Every driver against every count of live chat rooms. */
export async function driverCost(chatCounts: number[], joins: number): Promise<DriverCostRow[]> {
  const rows: DriverCostRow[] = [];
  for (const driverName of Object.keys(DRIVERS) as DriverName[]) {
    for (const chats of chatCounts) rows.push(await measure(driverName, chats, joins));
  }
  return rows;
}

export function driverCostTable(rows: DriverCostRow[], command: string): string {
  return [
    `Redis cost of one lobby join (\`${command}\`; mean of several SDK joins, one process, Redis presence; background timers included)`,
    "",
    "| driver | live chat rooms listed | Redis commands per join | whole-collection reads per join | bytes Redis sent per join |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => `| ${row.driver} | ${row.chats.toLocaleString("en")} | ${row.commandsPerJoin.toFixed(1)} | ${row.wholeCollectionPerJoin.toFixed(1)} | ${formatBytes(row.bytesPerJoin)} |`),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      port: { type: "string" },
      redis: { type: "string" },
      chats: { type: "string", default: "10,10000" },
      joins: { type: "string", default: "10" },
    },
  });
  if (values.serve) return serve(values.serve as DriverName, Number(values.port), values.redis!);

  killAllOnExit();
  const rows = await driverCost(values.chats.split(",").map(Number), Number(values.joins));
  for (const row of rows) console.error(`${row.driver}, ${row.chats} chats: ${JSON.stringify(row.commands)}`);
  console.log(driverCostTable(rows, `npx node loadtest/driver-cost.ts --chats ${values.chats} --joins ${values.joins}`));
  process.exit(0);
}

if (import.meta.main) await main();
