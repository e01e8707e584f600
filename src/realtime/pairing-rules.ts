import type { QueueEntry } from "./queue.ts";

/** A condition two waiting users must meet to be paired; every rule must hold. */
export type PairingRule = (a: QueueEntry, b: QueueEntry, now: number) => boolean;

export const differentUsers: PairingRule = (a, b) => a.userId !== b.userId;

export const notAvoided: PairingRule = (a, b) =>
  !a.avoidUserIds.includes(b.userId) && !b.avoidUserIds.includes(a.userId);

/** Who asks for a country meets only someone known to be from it. */
const countryWanted = (wanter: QueueEntry, other: QueueEntry) =>
  !wanter.preferences.country || wanter.preferences.country === other.country;

function preferencesMatch(a: QueueEntry, b: QueueEntry): boolean {
  const [la, lb] = [a.preferences.language, b.preferences.language];
  if (la && lb && la !== lb) return false;
  if (!countryWanted(a, b) || !countryWanted(b, a)) return false;
  const [ia, ib] = [a.preferences.interests ?? [], b.preferences.interests ?? []];
  return ia.length === 0 || ib.length === 0 || ia.some((interest) => ib.includes(interest));
}

/** Preferences narrow the match at first; once both have waited `widenAfterMs`, anyone will do. */
export function preferencesCompatible(widenAfterMs: number): PairingRule {
  return (a, b, now) =>
    preferencesMatch(a, b) || (now - a.since >= widenAfterMs && now - b.since >= widenAfterMs);
}

export function defaultPairingRules(widenAfterMs: number): PairingRule[] {
  return [differentUsers, notAvoided, preferencesCompatible(widenAfterMs)];
}

/** Pairs the longest-waiting users first; nobody appears in two pairs. */
export function pickPairs(entries: QueueEntry[], rules: PairingRule[], now: number): Array<[QueueEntry, QueueEntry]> {
  const waiting = [...entries].sort((x, y) => x.since - y.since);
  const taken = new Set<string>();
  const pairs: Array<[QueueEntry, QueueEntry]> = [];
  for (let i = 0; i < waiting.length; i++) {
    const a = waiting[i]!;
    if (taken.has(a.userId)) continue;
    // Candidates are looked for after `a` only: a pass over a crowd that all fits costs one look each.
    for (let j = i + 1; j < waiting.length; j++) {
      const b = waiting[j]!;
      if (taken.has(b.userId) || !rules.every((rule) => rule(a, b, now))) continue;
      taken.add(a.userId).add(b.userId);
      pairs.push([a, b]);
      break;
    }
  }
  return pairs;
}
