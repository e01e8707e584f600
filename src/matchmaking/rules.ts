import type { QueueEntry } from "./entry.ts";

type Profile = Pick<QueueEntry, "preferences" | "country" | "pool">;

/** Who asks for a country meets only someone known to be from it. */
const countryWanted = (wanter: Profile, other: Profile) =>
  !wanter.preferences.country || wanter.preferences.country === other.country;

/** Both users' preferences hold: same language (or either has none), the country each asks for, a shared interest (or either has none). */
export function preferencesMatch(a: Profile, b: Profile): boolean {
  const [la, lb] = [a.preferences.language, b.preferences.language];
  if (la && lb && la !== lb) return false;
  if (!countryWanted(a, b) || !countryWanted(b, a)) return false;
  const [ia, ib] = [a.preferences.interests ?? [], b.preferences.interests ?? []];
  return ia.length === 0 || ib.length === 0 || ia.some((interest) => ib.includes(interest));
}

/** How good a partner `b` is for `a`: 1 when their preferences match, 2 when only widening allows it, 0 when not at all. */
export function partnerTier(a: Pick<QueueEntry, "preferences" | "country" | "pool" | "since">, b: typeof a, now: number, widenAfterMs: number): 0 | 1 | 2 {
  if (a.pool !== b.pool) return 0;
  if (preferencesMatch(a, b)) return 1;
  return now - a.since >= widenAfterMs && now - b.since >= widenAfterMs ? 2 : 0;
}
