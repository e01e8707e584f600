import { randomUUID } from "node:crypto";
import type { Presence } from "@colyseus/core";
import type { SeatAuth } from "./seat.ts";

/**
 * The two users of a chat travel from the matcher to the chat room through presence,
 * under a random key, so a chat room's participants never come from client options.
 */
const pairKey = (key: string) => `pairline:chat-pair:${key}`;
const PAIR_TTL_SECONDS = 60;

export async function recordPair(presence: Presence, users: [SeatAuth, SeatAuth]): Promise<string> {
  const key = randomUUID();
  await presence.setex(pairKey(key), JSON.stringify(users), PAIR_TTL_SECONDS);
  return key;
}

/** Returns the pair once; a second call, or an unknown key, gives undefined. */
export async function takePair(presence: Presence, key: unknown): Promise<[SeatAuth, SeatAuth] | undefined> {
  if (typeof key !== "string" || key.length === 0 || key.length > 64) return undefined;
  const raw = await presence.get(pairKey(key));
  if (raw === null || raw === undefined) return undefined;
  await presence.del(pairKey(key));
  return JSON.parse(String(raw)) as [SeatAuth, SeatAuth];
}

const recentPartnerKey = (userId: string) => `pairline:recent-partner:${userId}`;

/** Remembers, for a while, who each of the two just talked to, so they are not paired again at once. */
export function rememberPartners(presence: Presence, a: string, b: string, seconds: number): void {
  presence.setex(recentPartnerKey(a), b, seconds);
  presence.setex(recentPartnerKey(b), a, seconds);
}

export async function recentPartner(presence: Presence, userId: string): Promise<string | undefined> {
  const value = await presence.get(recentPartnerKey(userId));
  return value ? String(value) : undefined;
}
