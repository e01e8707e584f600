import jwt from "jsonwebtoken";
import { z } from "zod";
import { Errors } from "../errors.ts";
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

export function createTokenService(options: { secret: string; expiresIn: string }): TokenService {
  return {
    sign(user, expiresIn = options.expiresIn) {
      return jwt.sign({ username: user.username, guest: user.isGuest }, options.secret, {
        algorithm: ALGORITHM,
        subject: user.id,
        expiresIn: expiresIn as jwt.SignOptions["expiresIn"],
      });
    },
    verify(token) {
      let payload: unknown;
      try {
        payload = jwt.verify(token, options.secret, { algorithms: [ALGORITHM] });
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw Errors.unauthorized("Token expired");
        throw Errors.unauthorized("Invalid token");
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw Errors.unauthorized("Invalid token");
      return claims.data;
    },
  };
}
