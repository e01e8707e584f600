import { customAlphabet } from "nanoid";
import { Router, type RequestHandler } from "express";
import { AppError, AppErrorCode, Errors } from "../errors/index.ts";
import { sendData } from "../http-kit/respond.ts";
import { validated } from "../http-kit/validate.ts";
import type { Logger } from "../logger/index.ts";
import type { SafetyStore } from "../users/safety-store.ts";
import { toPublicUser, type User, type UserStore } from "../users/store.ts";
import { recordDeviceOf } from "../users/devices.ts";
import { assertNotBanned } from "./authenticate.ts";
import type { GuestChallenges } from "./guest-challenge.ts";
import type { PasswordHasher } from "./passwords.ts";
import type { TokenService } from "./tokens.ts";
import { challengeQuery, guestBody, loginBody, registerBody } from "./schemas.ts";

const GUEST_NAME_ATTEMPTS = 5;
/** A guest's generated name: 8 hex characters (32 random bits), from a pool of entropy. */
const guestSuffix = customAlphabet("0123456789abcdef", 8);

export interface AuthRouteDeps {
  users: UserStore;
  safety: SafetyStore;
  passwords: PasswordHasher;
  tokens: TokenService;
  logger: Logger;
  /** Lets only a request with a valid user token through (sets `req.user`). */
  requireUser: RequestHandler;
  guestTtlHours: number;
  /** Proof of work a guest must solve before entering; null when `GUEST_CHALLENGE=false`. */
  guestChallenges: GuestChallenges | null;
}

export function authRoutes(deps: AuthRouteDeps): Router {
  const { users, safety, passwords, tokens, logger, guestChallenges } = deps;
  const router = Router();
  const session = (user: User, expiresIn?: string) => ({
    token: tokens.sign(user, expiresIn),
    user: toPublicUser(user),
  });

  router.post(
    "/register",
    validated({ body: registerBody }, async ({ body, res }) => {
      const user = await users.create({
        username: body.username,
        email: body.email,
        passwordHash: await passwords.hash(body.password),
        isGuest: false,
      });
      logger.info("user registered", { userId: user.id });
      sendData(res, session(user), { status: 201, message: "User registered successfully" });
    }),
  );

  router.post(
    "/login",
    validated({ body: loginBody }, async ({ body, res }) => {
      const user = await users.findByEmail(body.email);
      const valid = await passwords.verify(body.password, user?.passwordHash ?? null);
      if (!user || !valid) throw Errors.invalidCredentials();
      await assertNotBanned(safety, user.id);
      sendData(res, session(user), { message: "Login successful" });
    }),
  );

  router.get(
    "/challenge",
    validated({ query: challengeQuery }, async ({ query, req, res }) => {
      if (!guestChallenges) throw Errors.notFound("Guest challenges are off on this server (GUEST_CHALLENGE=false)");
      res.set("Cache-Control", "no-store");
      sendData(res, { challenge: await guestChallenges.issue({ ip: req.ip, deviceId: query.deviceId }) });
    }),
  );

  router.post(
    "/guest",
    validated({ body: guestBody }, async ({ body, req, res }) => {
      const entrant = { ip: req.ip, deviceId: body.deviceId };
      await guestChallenges?.redeem(body.altcha, entrant);
      if (body.deviceId) {
        const ban = await safety.activeBanOfDevice(body.deviceId, new Date());
        if (ban) {
          await guestChallenges?.strike(entrant);
          throw Errors.banned(ban);
        }
      }
      const user = await createGuest(users, body.username);
      if (body.deviceId) await recordDeviceOf(safety, req, user.id, body.deviceId);
      sendData(res, session(user, `${deps.guestTtlHours}h`), { status: 201, message: "Guest session created" });
    }),
  );

  router.get("/me", deps.requireUser, (req, res) => {
    sendData(res, { user: toPublicUser(req.user!) });
  });

  return router;
}

/** A chosen name must be free; a generated one is retried on the rare collision. */
async function createGuest(users: UserStore, username: string | undefined): Promise<User> {
  const create = (name: string) =>
    users.create({ username: name, email: null, passwordHash: null, isGuest: true });
  if (username) return create(username);
  for (let attempt = 1; ; attempt++) {
    try {
      return await create(`guest_${guestSuffix()}`);
    } catch (error) {
      const collided = error instanceof AppError && error.code === AppErrorCode.USER_EXISTS;
      if (!collided || attempt >= GUEST_NAME_ATTEMPTS) throw error;
    }
  }
}
