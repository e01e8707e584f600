import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
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

export function createTokenService(options: { secret: string; expiresIn: string }): TokenService {
  // A KeyObject, made once: given the string, jsonwebtoken first tries it as a PEM key
  // and fails, on every call, which makes each sign and verify about four times slower.
  const key = createSecretKey(Buffer.from(options.secret));
  const verified = new LRUCache<string, TokenClaims>(VERIFIED_TOKENS);
  return {
    sign(user, expiresIn = options.expiresIn) {
      const token = jwt.sign({ username: user.username, guest: user.isGuest }, key, {
        algorithm: ALGORITHM,
        subject: user.id,
        expiresIn: expiresIn as jwt.SignOptions["expiresIn"],
      });
      // The user's next step presents it (a lobby join): made here, it need not be verified again.
      const checked = claimsSchema.safeParse(jwt.decode(token));
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
