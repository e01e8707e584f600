import type { Config } from "./config/index.ts";
import { createLogger, type Logger } from "./logger/index.ts";
import { createAuthenticator, type Authenticate } from "./auth/authenticate.ts";
import { createPasswordHasher, type PasswordHasher } from "./auth/passwords.ts";
import { createTokenService, type TokenService } from "./auth/tokens.ts";
import { openUserStore } from "./users/index.ts";
import type { UserStore } from "./users/store.ts";

/** Everything a request handler or a room needs, built once at start from config. */
export interface Services {
  config: Config;
  logger: Logger;
  users: UserStore;
  passwords: PasswordHasher;
  tokens: TokenService;
  authenticate: Authenticate;
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<Services> {
  const users = await openUserStore(config);
  const tokens = createTokenService(config.jwt);
  return {
    config,
    logger,
    users,
    passwords: createPasswordHasher(config.bcryptCost),
    tokens,
    authenticate: createAuthenticator(tokens, users),
    async close() {
      await users.close();
    },
  };
}
