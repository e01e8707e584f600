import type { Presence } from "@colyseus/core";

const BUCKET_MS = 60_000;
const HOUR_MS = 3_600_000;
const bucketKey = (bucket: number) => `pairline:stats:matches:${bucket}`;

/** Counts a match in the current minute's bucket, shared by every process; buckets expire after an hour. */
export async function recordMatch(presence: Presence, now = Date.now()): Promise<void> {
  const key = bucketKey(Math.floor(now / BUCKET_MS));
  if ((await presence.incr(key)) === 1) presence.expire(key, HOUR_MS / 1000 + 120);
}

/** Matches made in the last hour (sixty one-minute buckets). */
export async function matchesInLastHour(presence: Presence, now = Date.now()): Promise<number> {
  const newest = Math.floor(now / BUCKET_MS);
  const counts = await Promise.all(
    Array.from({ length: HOUR_MS / BUCKET_MS }, (_, i) => presence.get(bucketKey(newest - i))),
  );
  return counts.reduce((sum: number, count) => sum + Number(count ?? 0), 0);
}
