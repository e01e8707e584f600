import { z } from "zod";
import { publicUserSchema } from "../users/route-docs.ts";
import type { RouteDoc } from "../http-kit/route-doc.ts";
import { challengeQuery, guestBody, loginBody, registerBody } from "./schemas.ts";


const session = z
  .object({ token: z.string().meta({ description: "JWT for `Authorization: Bearer` and the Colyseus SDK" }), user: publicUserSchema })
  .meta({ id: "Session" });
const TAG = "Accounts";

export const authRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/api/auth/register",
    tag: TAG,
    summary: "Create an account",
    body: registerBody,
    rateLimited: true,
    responses: { 201: { description: "Registered; a session for the new user", data: session } },
  },
  {
    method: "POST",
    path: "/api/auth/login",
    tag: TAG,
    summary: "Log in with email and password",
    description: "A wrong email and a wrong password get the same 401 INVALID_CREDENTIALS.",
    body: loginBody,
    rateLimited: true,
    responses: { 200: { description: "A session", data: session } },
  },
  {
    method: "GET",
    path: "/api/auth/challenge",
    tag: TAG,
    summary: "A proof-of-work challenge to solve before a guest session",
    description:
      "ALTCHA's open protocol (v2, SHA-256, deterministic): find the counter whose derived key starts with `keyPrefix` " +
      "(altcha-lib's `solveChallenge`, or the demo page's worker). Send `btoa(JSON.stringify({ challenge, solution }))` " +
      "as `altcha` to `POST /api/auth/guest` from the same address, with the same `deviceId`, before it expires; each " +
      "challenge is good once. It is harder for an address or device with recent refusals, evidenced reports or bans. " +
      "404 when GUEST_CHALLENGE=false.",
    query: challengeQuery,
    rateLimited: true,
    responses: {
      200: {
        description: "A signed challenge",
        data: z.object({
          challenge: z.object({
            parameters: z.object({
              algorithm: z.literal("SHA-256"),
              nonce: z.string(),
              salt: z.string(),
              cost: z.number(),
              keyLength: z.number(),
              keyPrefix: z.string(),
              keySignature: z.string(),
              expiresAt: z.number().meta({ description: "Unix time in seconds" }),
              data: z.object({
                to: z.string().meta({ description: "Binds the challenge to the address and device it was issued to" }),
                at: z.number().meta({ description: "Issue time, Unix milliseconds" }),
                max: z.number().meta({ description: "The counter is below this: the difficulty, for a progress indication" }),
              }),
            }),
            signature: z.string(),
          }).meta({ id: "GuestChallenge" }),
        }),
      },
      404: { description: "Guest challenges are off" },
    },
  },
  {
    method: "POST",
    path: "/api/auth/guest",
    tag: TAG,
    summary: "Start a throwaway guest session",
    description:
      "Needs `altcha`, a solved `GET /api/auth/challenge` (unless GUEST_CHALLENGE=false): without it 403 CHALLENGE_REQUIRED; " +
      "wrong, altered, expired or issued to another address or device 403 CHALLENGE_INVALID; already used 403 CHALLENGE_USED.",
    body: guestBody,
    rateLimited: true,
    responses: {
      201: { description: "A guest session", data: session },
      403: { description: "No valid challenge (CHALLENGE_REQUIRED, CHALLENGE_INVALID, CHALLENGE_USED), or a banned device (BANNED)" },
    },
  },
  {
    method: "GET",
    path: "/api/auth/me",
    tag: TAG,
    summary: "The current user",
    auth: "user",
    rateLimited: true,
    responses: { 200: { description: "The user behind the token", data: z.object({ user: publicUserSchema }) } },
  },
];
