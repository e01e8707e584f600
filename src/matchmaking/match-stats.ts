import type { Presence } from "@colyseus/core";

const BUCKET_MS = 60_000;
const BUCKETS = 60;
const bucketKey = (bucket: number) => `pairline:stats:matches:${bucket}`;
/** The sum of the 59 full minutes before a minute, written by the first reader in that minute. */
const earlierKey = (bucket: number) => `pairline:stats:matches:earlier:${bucket}`;

/** Counts a match in the current minute's bucket, shared by every process; buckets expire after an hour. */
export async function recordMatch(presence: Presence, now = Date.now()): Promise<void> {
  const key = bucketKey(Math.floor(now / BUCKET_MS));
  if ((await presence.incr(key)) === 1) presence.expire(key, (BUCKETS * BUCKET_MS) / 1000 + 120);
}

/**
 * Matches made in the last hour (sixty one-minute buckets): the current minute plus
 * the sum of the 59 before it, which the deployment adds up once a minute, not per read.
 */
export async function matchesInLastHour(presence: Presence, now = Date.now()): Promise<number> {
  const newest = Math.floor(now / BUCKET_MS);
  const [current, earlier] = await Promise.all([presence.get(bucketKey(newest)), presence.get(earlierKey(newest))]);
  // Local presence answers undefined for a missing key, Redis null.
  return Number(current ?? 0) + ((earlier ?? null) === null ? await sumEarlier(presence, newest) : Number(earlier));
}

async function sumEarlier(presence: Presence, newest: number): Promise<number> {
  const counts = await Promise.all(Array.from({ length: BUCKETS - 1 }, (_, i) => presence.get(bucketKey(newest - 1 - i))));
  const sum = counts.reduce((total: number, count) => total + Number(count ?? 0), 0);
  await presence.setex(earlierKey(newest), String(sum), (2 * BUCKET_MS) / 1000);
  return sum;
}
