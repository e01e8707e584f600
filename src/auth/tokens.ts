import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import ms, { type StringValue } from "ms";
import { z } from "zod";
import { Errors } from "../errors/index.ts";
import type { User } from "../users/store.ts";

const ALGORITHM = "HS256";

const claimsSchema = z.object({
  sub: z.string().min(1).max(64),
  username: z.string(),
  guest: z.boolean(),
  iat: z.number(),
  exp: z.number(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export interface TokenService {
  sign(user: Pick<User, "id" | "username" | "isGuest">, expiresIn?: string | number): string;
  /** Returns the claims of a valid token; throws 401 for anything else (alg none, other secret, expired, no exp, not yet valid). */
  verify(token: string): TokenClaims;
}

/**
 * Tokens this process has verified, with their claims: a user who skips to the next stranger
 * presents the same token at every lobby join, and each verify costs about 11 µs. The key is
 * the whole token, so another signature is another key; an entry serves only until the
 * token's own `exp`. The user and ban checks after it (`authenticate.ts`) are not cached.
 */
const VERIFIED_TOKENS = { max: 10_000 };

const HEADER = Buffer.from(JSON.stringify({ alg: ALGORITHM, typ: "JWT" })).toString("base64url");

/** Seconds in `expiresIn` as jsonwebtoken reads it: a number of seconds, or an `ms` string ("24h"). */
function lifetimeSeconds(expiresIn: string | number): number {
  const seconds = typeof expiresIn === "number" ? expiresIn : ms(expiresIn as StringValue) / 1000;
  if (!Number.isFinite(seconds)) throw new Error(`Invalid token lifetime: ${String(expiresIn)}`);
  return seconds;
}

/**
 * The HS256 JWT jsonwebtoken's `sign` makes from these claims, byte for byte: its option
 * checks and timespan parsing cost about three times the HMAC on a fresh process's joins.
 */
function signClaims(claims: TokenClaims, key: KeyObject): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

export function createTokenService(options: { secret: string; expiresIn: string }): TokenService {
  // A KeyObject, made once: given the string, jsonwebtoken first tries it as a PEM key
  // and fails, on every call, which makes each sign and verify about four times slower.
  const key = createSecretKey(Buffer.from(options.secret));
  const verified = new LRUCache<string, TokenClaims>(VERIFIED_TOKENS);
  return {
    sign(user, expiresIn = options.expiresIn) {
      const iat = Math.floor(Date.now() / 1000);
      const claims = { username: user.username, guest: user.isGuest, iat, exp: Math.floor(iat + lifetimeSeconds(expiresIn)), sub: user.id };
      const token = signClaims(claims, key);
      // The user's next step presents it (a lobby join): verified here, it need not be verified again.
      const checked = claimsSchema.safeParse(claims);
      if (checked.success) verified.set(token, Object.freeze(checked.data));
      return token;
    },
    verify(token) {
      const known = verified.get(token);
      if (known && Date.now() < known.exp * 1000) return known;
      let payload: unknown;
      try {
        payload = jwt.verify(token, key, { algorithms: [ALGORITHM] });
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw Errors.unauthorized("Token expired");
        throw Errors.unauthorized("Invalid token");
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw Errors.unauthorized("Invalid token");
      verified.set(token, Object.freeze(claims.data));
      return claims.data;
    },
  };
}
