import path from "node:path";
import type { Redis } from "ioredis";
import { openFds } from "../metrics/proc-stats.ts";
import type { RunningTarget } from "../targets/launch.ts";
import { Scrape } from "../../tests/helpers/metrics.ts";
import { filesUnder } from "../../tests/helpers/uploads.ts";

const MB = 2 ** 20;

/** What one server process looked like at one instant. */
export interface ProcessSample {
  /** `process_resident_memory_bytes` of its /metrics, in MB. */
  rssMb: number;
  /** `nodejs_heap_size_used_bytes`, in MB. */
  heapUsedMb: number;
  /** The heap left right after a forced full garbage collection, in MB, on the samples that take one (see `heapAfterGcMb`). */
  heapAfterGcMb?: number;
  /** Entries of /proc/<pid>/fd. */
  fds: number;
  chatRooms: number;
  lobbyRooms: number;
  clients: number;
}

/** What the cluster looked like at one instant. */
export interface ClusterSample {
  processes: ProcessSample[];
  /** DBSIZE of the shared Redis. */
  redisKeys: number;
  /** Files under the shared uploads folder (staging included). */
  uploadsOnDisk: number;
}

/** A scrape of /metrics, tried three times: on a busy machine one can fail now and then. */
async function scrapeOf(endpoint: string): Promise<Scrape> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Scrape.of(endpoint);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Reads the cluster's gauges from outside, the way an operator would: /metrics, /proc and Redis. */
export async function sampleCluster(target: RunningTarget, redis: Redis): Promise<ClusterSample> {
  const processes = await Promise.all(
    target.servers.map(async (server, i) => {
      const scrape = await scrapeOf(target.address.endpoints[i]!);
      return {
        rssMb: scrape.value("process_resident_memory_bytes") / MB,
        heapUsedMb: scrape.value("nodejs_heap_size_used_bytes") / MB,
        fds: openFds(server.pid),
        chatRooms: scrape.value("pairline_rooms", { room: "chat" }),
        lobbyRooms: scrape.value("pairline_rooms", { room: "lobby" }),
        clients: scrape.value("pairline_connected_clients"),
      };
    }),
  );
  return {
    processes,
    redisKeys: await redis.dbsize(),
    uploadsOnDisk: filesUnder(path.join(target.dataDir, "uploads")).length,
  };
}

/** Every key name of the Redis, sorted. */
export async function keyNames(redis: Redis): Promise<string[]> {
  const names: string[] = [];
  for await (const keys of redis.scanStream({ count: 1000 }) as AsyncIterable<string[]>) names.push(...keys);
  return names.sort();
}

/** Key names counted by family: their first two `:`-separated parts (`pairline:rl`, `roomcount`). */
export function familiesOf(names: string[]): Record<string, number> {
  const families: Record<string, number> = {};
  for (const name of names) {
    const family = name.split(":").slice(0, 2).join(":").slice(0, 60);
    families[family] = (families[family] ?? 0) + 1;
  }
  return families;
}

/** A key's name with its numeric parts as `#`: the minute buckets and period locks of one family share a shape. */
export const shapeOf = (name: string): string => name.split(":").map((part) => (/^\d+$/.test(part) ? "#" : part)).join(":");

/**
 * The keys of `names` that the baseline does not explain: a name it did not hold,
 * unless the name carries a number (a time bucket: minute statistics, a period's
 * lock) and the key expires by itself.
 */
export async function unexplainedKeys(redis: Redis, names: string[], baseline: string[]): Promise<string[]> {
  const known = new Set(baseline);
  const unexplained: string[] = [];
  for (const name of names) {
    if (known.has(name)) continue;
    if (shapeOf(name) !== name && (await expires(redis, name))) continue;
    unexplained.push(name);
  }
  return unexplained;
}

/** Whether the key has a time to live; a key just created gets it from a second command, so a missing one is looked at again a moment later. */
async function expires(redis: Redis, name: string): Promise<boolean> {
  if ((await redis.ttl(name)) !== -1) return true;
  await new Promise((resolve) => setTimeout(resolve, 500));
  return (await redis.ttl(name)) !== -1;
}

/** How many of `names` are not time buckets (keys with a number in their name). */
export const untimedCount = (names: string[]): number => names.filter((name) => shapeOf(name) === name).length;
