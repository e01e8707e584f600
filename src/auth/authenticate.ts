import { Errors } from "../errors/index.ts";
import type { SafetyStore } from "../users/safety-store.ts";
import type { User, UserStore } from "../users/store.ts";
import type { TokenService } from "./tokens.ts";

export type Authenticate = (token: string | undefined | null) => Promise<User>;

/** Throws `BANNED` (403, with the end time) when the user is banned now. */
export async function assertNotBanned(safety: SafetyStore, userId: string): Promise<void> {
  const ban = await safety.activeBan(userId, new Date());
  if (ban) throw Errors.banned(ban);
}

/**
 * The one check every entry point uses (REST middleware and room `onAuth`): a valid
 * token of a user that still exists and is not banned.
 */
export function createAuthenticator(tokens: TokenService, users: UserStore, safety: SafetyStore): Authenticate {
  return async (token) => {
    if (!token) throw Errors.unauthorized();
    const claims = tokens.verify(token);
    const user = await users.findById(claims.sub);
    if (!user) throw Errors.unauthorized("Account no longer exists");
    await assertNotBanned(safety, user.id);
    return user;
  };
}
