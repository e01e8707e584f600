import { Errors } from "../errors.ts";
import type { User, UserStore } from "../users/store.ts";
import type { TokenService } from "./tokens.ts";

export type Authenticate = (token: string | undefined | null) => Promise<User>;

/** The one check every entry point uses (REST middleware and room `onAuth`): a valid token of a user that still exists. */
export function createAuthenticator(tokens: TokenService, users: UserStore): Authenticate {
  return async (token) => {
    if (!token) throw Errors.unauthorized();
    const claims = tokens.verify(token);
    const user = await users.findById(claims.sub);
    if (!user) throw Errors.unauthorized("Account no longer exists");
    return user;
  };
}
