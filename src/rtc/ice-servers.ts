import { createHmac } from "node:crypto";
import type { Config } from "../config/index.ts";

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface IceServerList {
  iceServers: IceServer[];
  /** When the TURN credential stops working (ISO 8601); absent without TURN. */
  expiresAt?: string;
  ttl?: number;
}

/**
 * A time-limited TURN credential for coturn's `use-auth-secret` (the TURN REST API
 * scheme): the username is `<expiry unix seconds>:<userId>`, the password the
 * base64 HMAC-SHA1 of that username under the shared secret. The TURN server
 * checks both without calling us.
 */
export function turnCredential(secret: string, userId: string, ttlSeconds: number, now = Date.now()) {
  const expiresAtSeconds = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiresAtSeconds}:${userId}`;
  const credential = createHmac("sha1", secret).update(username).digest("base64");
  return { username, credential, expiresAt: new Date(expiresAtSeconds * 1000) };
}

/** The STUN and TURN servers a client should use for a call, TURN with a credential of its own. */
export function iceServersFor(rtc: Config["rtc"], userId: string, now = Date.now()): IceServerList {
  const iceServers: IceServer[] = [];
  if (rtc.stunUrls.length > 0) iceServers.push({ urls: [...rtc.stunUrls] });
  if (rtc.turnUrls.length === 0 || !rtc.turnSecret) return { iceServers };
  const turn = turnCredential(rtc.turnSecret, userId, rtc.turnTtlSeconds, now);
  iceServers.push({ urls: [...rtc.turnUrls], username: turn.username, credential: turn.credential });
  return { iceServers, expiresAt: turn.expiresAt.toISOString(), ttl: rtc.turnTtlSeconds };
}
