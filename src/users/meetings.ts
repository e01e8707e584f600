import { createHmac } from "node:crypto";
import { deriveKey, sameSignature } from "./message-signature.ts";

/** A chat the server opened for two users, as a signed token proves it. */
export interface Meeting {
  roomId: string;
  startedAt: number;
}

/**
 * Proves who met whom without storing it: when the server opens a chat it hands both
 * members a token signed over the chat, the pair and the time; a report presents it to
 * show that the reporter really had that chat with the reported user. The token says
 * nothing of what was said, and is worth nothing after `validForMs`.
 */
export interface MeetingSigner {
  issue(roomId: string, members: readonly [string, string], startedAt: number): string;
  /** The chat the token names, if it was issued to exactly these two users and has not expired; otherwise null. */
  verify(token: string, reporterId: string, reportedId: string, now?: number): Meeting | null;
  /** When a token issued at `startedAt` stops being accepted. */
  expiresAt(startedAt: number): number;
}

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Processes' clocks may differ a little: a token stamped by one is not "from the future" for another. */
const CLOCK_SKEW_MS = 60_000;

export function createMeetingSigner(jwtSecret: string, validForMs: number): MeetingSigner {
  const key = deriveKey(jwtSecret, "pairline:meeting:v1");
  const sign = (roomId: string, members: readonly [string, string], startedAt: number) => {
    const pair = [...members].sort();
    return createHmac("sha256", key).update(JSON.stringify([roomId, pair, startedAt])).digest("base64url");
  };
  return {
    issue(roomId, members, startedAt) {
      return `${roomId}.${startedAt}.${sign(roomId, members, startedAt)}`;
    },
    verify(token, reporterId, reportedId, now = Date.now()) {
      const [roomId, time, signature, ...rest] = token.split(".");
      if (!roomId || !time || !signature || rest.length > 0 || !ROOM_ID.test(roomId) || !/^\d{1,15}$/.test(time)) return null;
      const startedAt = Number(time);
      if (reporterId === reportedId || startedAt > now + CLOCK_SKEW_MS || now >= startedAt + validForMs) return null;
      return sameSignature(signature, sign(roomId, [reporterId, reportedId], startedAt)) ? { roomId, startedAt } : null;
    },
    expiresAt: (startedAt) => startedAt + validForMs,
  };
}
