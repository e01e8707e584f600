import type { Config } from "./config/index.ts";
import { createLogger, type Logger } from "./logger/index.ts";
import { createAuthenticator, type Authenticate } from "./auth/authenticate.ts";
import { createPasswordHasher, type PasswordHasher } from "./auth/passwords.ts";
import { createTokenService, type TokenService } from "./auth/tokens.ts";
import { openStores } from "./users/index.ts";
import { createMessageSigner, type MessageSigner } from "./users/message-signature.ts";
import { createModeration, type Moderation } from "./users/moderation.ts";
import type { SafetyStore } from "./users/safety-store.ts";
import type { UserStore } from "./users/store.ts";
import { openUploadStore } from "./uploads/index.ts";
import type { UploadStore } from "./uploads/store.ts";
import { startSweeper } from "./uploads/sweeper.ts";

/** Everything a request handler or a room needs, built once at start from config. */
export interface Services {
  config: Config;
  logger: Logger;
  users: UserStore;
  safety: SafetyStore;
  /** Signs relayed chat messages so reports can quote them verifiably. */
  signer: MessageSigner;
  moderation: Moderation;
  passwords: PasswordHasher;
  tokens: TokenService;
  authenticate: Authenticate;
  uploads: UploadStore;
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<Services> {
  const stores = await openStores(config);
  const { users } = stores;
  const tokens = createTokenService(config.jwt);
  const signer = createMessageSigner(config.jwt.secret);
  const uploads = await openUploadStore(config, logger);
  const uploadSweeper = startSweeper(
    uploads,
    { maxAgeMs: config.uploads.maxAgeMs, intervalMs: config.uploads.sweepIntervalMs },
    logger,
  );
  return {
    config,
    logger,
    users,
    safety: stores.safety,
    signer,
    moderation: createModeration(stores.safety, signer, config.moderation),
    passwords: createPasswordHasher(config.bcryptCost),
    tokens,
    authenticate: createAuthenticator(tokens, users, stores.safety),
    uploads,
    async close() {
      await uploadSweeper.stop();
      await uploads.close();
      await stores.close();
    },
  };
}
