import { randomBytes } from "node:crypto";
import { Router } from "express";
import { AppError, Errors, ErrorCode } from "../errors.ts";
import { sendData } from "../http/respond.ts";
import { validated } from "../http/validate.ts";
import type { Services } from "../services.ts";
import { toPublicUser, type User } from "../users/store.ts";
import { countryOf } from "../users/geo.ts";
import { assertNotBanned } from "./authenticate.ts";
import { requireAuth } from "./middleware.ts";
import { challengeQuery, guestBody, loginBody, registerBody } from "./schemas.ts";

const GUEST_NAME_ATTEMPTS = 5;

export function authRoutes(services: Services): Router {
  const { users, passwords, tokens, config } = services;
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
      services.logger.info("user registered", { userId: user.id });
      sendData(res, session(user), { status: 201, message: "User registered successfully" });
    }),
  );

  router.post(
    "/login",
    validated({ body: loginBody }, async ({ body, res }) => {
      const user = await users.findByEmail(body.email);
      const valid = await passwords.verify(body.password, user?.passwordHash ?? null);
      if (!user || !valid) throw Errors.invalidCredentials();
      await assertNotBanned(services.safety, user.id);
      sendData(res, session(user), { message: "Login successful" });
    }),
  );

  router.get(
    "/challenge",
    validated({ query: challengeQuery }, async ({ query, req, res }) => {
      if (!services.guestChallenges) throw Errors.notFound("Guest challenges are off on this server (GUEST_CHALLENGE=false)");
      res.set("Cache-Control", "no-store");
      sendData(res, { challenge: await services.guestChallenges.issue({ ip: req.ip, deviceId: query.deviceId }) });
    }),
  );

  router.post(
    "/guest",
    validated({ body: guestBody }, async ({ body, req, res }) => {
      const entrant = { ip: req.ip, deviceId: body.deviceId };
      await services.guestChallenges?.redeem(body.altcha, entrant);
      if (body.deviceId) {
        const ban = await services.safety.activeBanOfDevice(body.deviceId, new Date());
        if (ban) {
          await services.guestChallenges?.strike(entrant);
          throw Errors.banned(ban);
        }
      }
      const user = await createGuest(services, body.username);
      if (body.deviceId) {
        await services.safety.recordDevice({
          userId: user.id,
          deviceId: body.deviceId,
          userAgent: req.get("user-agent")?.slice(0, 512) ?? null,
          ip: req.ip ?? null,
          country: countryOf(req.ip),
        });
      }
      sendData(res, session(user, `${config.guestTtlHours}h`), { status: 201, message: "Guest session created" });
    }),
  );

  router.get("/me", requireAuth(services.authenticate), (req, res) => {
    sendData(res, { user: toPublicUser(req.user!) });
  });

  return router;
}

/** A chosen name must be free; a generated one is retried on the rare collision. */
async function createGuest(services: Services, username: string | undefined): Promise<User> {
  const create = (name: string) =>
    services.users.create({ username: name, email: null, passwordHash: null, isGuest: true });
  if (username) return create(username);
  for (let attempt = 1; ; attempt++) {
    try {
      return await create(`guest_${randomBytes(4).toString("hex")}`);
    } catch (error) {
      const collided = error instanceof AppError && error.code === ErrorCode.USER_EXISTS;
      if (!collided || attempt >= GUEST_NAME_ATTEMPTS) throw error;
    }
  }
}
