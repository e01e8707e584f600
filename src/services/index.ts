import type { Config } from "../config/index.ts";
import { createLogger, type Logger } from "../logger/index.ts";
import { createAuthenticator, type Authenticate } from "../auth/authenticate.ts";
import { developmentJwtSecret } from "../auth/development-secret.ts";
import { createPasswordHasher, type PasswordHasher } from "../auth/passwords.ts";
import { createTokenService, type TokenService } from "../auth/tokens.ts";
import { openEntryLedger } from "../auth/entry-ledgers.ts";
import { createGuestChallenges, type GuestChallenges } from "../auth/guest-challenge.ts";
import { metrics } from "../metrics/index.ts";
import { openStores } from "./user-stores.ts";
import { createMessageSigner, type MessageSigner } from "../users/message-signature.ts";
import { createMeetingSigner, type MeetingSigner } from "../users/meetings.ts";
import { createModeration, type Moderation } from "../users/moderation.ts";
import type { AuditStore } from "../users/audit-store.ts";
import type { SafetyStore } from "../users/safety-store.ts";
import type { UserStore } from "../users/store.ts";
import { createImageScreener, type ImageScreener } from "../screening/index.ts";
import { openUploadStore } from "../uploads/index.ts";
import type { UploadStore } from "../uploads/store.ts";
import { manageUploadLifetime, type ChatUploads } from "../uploads/lifetime.ts";

/** Everything a request handler or a room needs, built once at start from config. */
export interface Services {
  config: Config;
  logger: Logger;
  users: UserStore;
  safety: SafetyStore;
  /** What moderators did: append-only. */
  audit: AuditStore;
  /** Who is matched only inside the shadow pool (empty until matchmaking keeps one). */
  /** Signs relayed chat messages so reports can quote them verifiably. */
  signer: MessageSigner;
  /** Signs who met whom in a chat, so that only someone who chatted with a user may report them. */
  meetings: MeetingSigner;
  moderation: Moderation;
  passwords: PasswordHasher;
  tokens: TokenService;
  authenticate: Authenticate;
  /** Proof of work asked of every would-be guest; null when GUEST_CHALLENGE is off. */
  guestChallenges: GuestChallenges | null;
  uploads: UploadStore;
  /** The one owner of an upload's deletion: the chat ending. */
  chatUploads: ChatUploads;
  /** Classifies uploaded images before the partner can see them. */
  screener: ImageScreener;
  close(): Promise<void>;
}

/** Outside production without `JWT_SECRET`: the deployment's own random secret, kept in DATA_DIR. */
function localJwtSecret(config: Config, logger: Logger): string {
  const { secret, file, created } = developmentJwtSecret(config.dataDir);
  logger.info(created ? "JWT_SECRET unset: made a random one" : "JWT_SECRET unset: using the one kept in DATA_DIR", { file });
  return secret;
}

export async function createServices(config: Config, logger: Logger = createLogger(config)): Promise<Services> {
  const stores = await openStores(config);
  const { users } = stores;
  const jwtSecret = config.jwt.secret ?? localJwtSecret(config, logger);
  const tokens = createTokenService({ secret: jwtSecret, expiresIn: config.jwt.expiresIn });
  const signer = createMessageSigner(jwtSecret);
  const uploads = await openUploadStore(config, logger);
  const uploadLifetime = manageUploadLifetime(uploads, config, logger);
  const passwords = createPasswordHasher(config.bcryptCost, config.passwordHashing);
  const moderation = createModeration(stores.safety, signer, config.moderation);
  const entryLedger = config.guestChallenge.enabled ? openEntryLedger(config, logger) : null;
  const guestChallenges = entryLedger && createGuestChallenges(config.guestChallenge, jwtSecret, entryLedger);
  watchSafetyEvents(moderation, stores.safety, guestChallenges, logger);
  const screener = createImageScreener(config.screening);
  return {
    config,
    logger,
    users,
    safety: stores.safety,
    audit: stores.audit,
    signer,
    meetings: createMeetingSigner(jwtSecret, config.moderation.reportWindowMs),
    moderation,
    passwords,
    tokens,
    authenticate: createAuthenticator(tokens, users, stores.safety),
    guestChallenges,
    uploads,
    chatUploads: uploadLifetime,
    screener,
    async close() {
      await entryLedger?.close();
      await uploadLifetime.stop();
      await uploads.close();
      await stores.close();
      await passwords.close();
      await screener.close();
    },
  };
}

/** Counts reports and bans, and makes entry harder from the address and device of whoever was reported with evidence or banned. */
function watchSafetyEvents(moderation: Moderation, safety: SafetyStore, challenges: GuestChallenges | null, logger: Logger): void {
  const strikeLatestDeviceOf = (userId: string) => {
    if (!challenges) return;
    safety
      .latestDevice(userId)
      .then((device) => device && challenges.strike({ ip: device.ip, deviceId: device.deviceId }))
      .catch((error: unknown) => logger.warn("could not raise the entry cost of a reported user", { userId, error: String(error) }));
  };
  moderation.onReport((report) => {
    metrics.reportFiled(report.messages.length > 0);
    if (report.messages.length > 0) strikeLatestDeviceOf(report.reportedId);
  });
  moderation.onBan((ban) => {
    metrics.banned(ban.by === "reports" ? "automatic" : "manual");
    strikeLatestDeviceOf(ban.userId);
  });
}
