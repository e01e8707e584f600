import type { MatchPreferences, MatchQueue } from "./preferences.ts";

/** One user waiting for a partner: plain JSON, readable by any process. */
export interface QueueEntry {
  userId: string;
  username: string;
  /** The lobby session that asked, and the lobby room that can reach it. */
  sessionId: string;
  lobbyId: string;
  /** The process holding that lobby room, where the pair's chat may open (absent on entries queued before it was kept). */
  processId?: string;
  preferences: MatchPreferences;
  /** The queue the user chose: it decides how their chat is moderated. */
  queue: MatchQueue;
  /** Users meet only others of the same pool (the queue they chose, or the shadow pool): never mixed, not even by widening. */
  pool: string;
  /** The user's country, and whether the partner may see it. */
  country: string | null;
  shareCountry: boolean;
  /** Users this one must not be paired with (the partner just left, blocks). */
  avoidUserIds: string[];
  /** Enqueue time, ms since the epoch; it stays the user's place in the queue through a drop. */
  since: number;
}

/** Two entries claimed together: the first is the one that was being served. */
export type Pair = [QueueEntry, QueueEntry];

/** Someone waiting, as others may see them. */
export interface WaitingUser {
  id: string;
  username: string;
  since: number;
}

/**
 * An entry as a queue stores it: the entry without its avoid list (kept as a set
 * beside it), the compatibility buckets it is indexed in, and the groups of buckets
 * its partner can be found in (each group holds every compatible candidate for one
 * preference, so the matcher reads the smallest group only).
 */
export interface StoredEntry {
  e: Omit<QueueEntry, "avoidUserIds">;
  b: string[];
  s: string[][];
}

export const ALL_BUCKET = "all";
const NONE = "-";
/** The bucket of entries that ask for no language and no interest: one bucket for them, not a `lang:-` and an `int:-`. */
const PLAIN = "plain";
/** The bucket holding every entry of one pool: what a widened entry of that pool reads. */
export const poolBucket = (pool: string) => `${pool}|all`;

/** Preferences with empty parts left out, so both implementations (and Lua's JSON) see the same shape. */
function normalized(preferences: MatchPreferences): MatchPreferences {
  const out: MatchPreferences = {};
  if (preferences.language) out.language = preferences.language;
  if (preferences.country) out.country = preferences.country;
  if (preferences.interests && preferences.interests.length > 0) out.interests = [...new Set(preferences.interests)];
  return out;
}

export function storedEntry(entry: QueueEntry): StoredEntry {
  const { avoidUserIds: _avoid, ...rest } = entry;
  const preferences = normalized(entry.preferences);
  const e = { ...rest, preferences, country: entry.country ?? null };
  const inPool = (name: string) => `${entry.pool}|${name}`;
  const plain = !preferences.language && !preferences.interests;
  const buckets = plain
    ? [PLAIN]
    : [`lang:${preferences.language ?? NONE}`, ...(preferences.interests ?? [NONE]).map((interest) => `int:${interest}`)];
  if (entry.country) buckets.push(`from:${entry.country}`);
  const sources: string[][] = [];
  if (preferences.country) sources.push([`from:${preferences.country}`]);
  if (preferences.language) sources.push([`lang:${preferences.language}`, `lang:${NONE}`, PLAIN]);
  if (preferences.interests) sources.push([...preferences.interests.map((i) => `int:${i}`), `int:${NONE}`, PLAIN]);
  return {
    e,
    b: [ALL_BUCKET, poolBucket(entry.pool), ...buckets.map(inPool)],
    s: sources.length === 0 ? [[poolBucket(entry.pool)]] : sources.map((group) => group.map(inPool)),
  };
}

export function asQueueEntry(e: StoredEntry["e"]): QueueEntry {
  return { ...e, avoidUserIds: [] };
}
