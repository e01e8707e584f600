import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import { requireAuth } from "../auth/middleware.ts";
import { authRouteDocs } from "../auth/route-docs.ts";
import { authRoutes } from "../auth/routes.ts";
import { rtcRouteDocs } from "../rtc/route-docs.ts";
import { rtcRoutes } from "../rtc/routes.ts";
import type { ChatMembership } from "../uploads/membership.ts";
import { uploadRouteDocs } from "../uploads/route-docs.ts";
import { uploadRoutes } from "../uploads/routes.ts";
import type { Services } from "../services/index.ts";
import { adminRoutes } from "../users/admin-routes.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { adminRouteDocs, userRouteDocs } from "../users/route-docs.ts";
import { userRoutes } from "../users/routes.ts";
import { apiDocsRoutes } from "./api-docs.ts";
import { readClientIpOnce } from "./client-ip.ts";
import { corsMiddleware, type CorsPolicy } from "./cors.ts";
import { errorHandler, notFound } from "./errors.ts";
import { fixedHeaders } from "./fixed-headers.ts";
import { httpMetrics, metricsEndpoint } from "./metrics.ts";
import { moderationPage } from "./moderation-page.ts";
import { opsRouteDocs } from "./ops-docs.ts";
import { matchmakingBody } from "./matchmaking.ts";
import type { RateLimits } from "./rate-limit.ts";
import { readyEndpoint, type ReadinessCheck } from "./ready.ts";
import { requestLog } from "./request-log.ts";
import { sendData } from "../http-kit/respond.ts";
import { createRoutePatterns } from "./route-table.ts";
import { socketStatsRouteDocs, socketStatsRoutes, type SocketStatsDeps } from "./socket-stats.ts";

export interface AppOptions {
  /** The CORS policy, built once for Express and Colyseus alike. */
  cors: CorsPolicy;
  /** The per-IP limits; whoever creates them closes them on shutdown. */
  rateLimits: RateLimits;
  /** Dependencies `/ready` checks besides the user store, e.g. the realtime presence. */
  readiness?: Record<string, ReadinessCheck>;
  /** Serves Colyseus's `POST /matchmake/:method/:roomName` (see `matchmaking.ts`). */
  matchmaking?: RequestHandler;
  /** Who is in which live chat; without it the uploads routes are not mounted. */
  chatMembership?: ChatMembership;
  /** Who is online and waiting; without it the user routes are not mounted. */
  directory?: PeopleDirectory;
  /** Colyseus's playground, mounted at `/playground` (development only, see `playground.ts`). */
  playground?: RequestHandler;
  /** The Colyseus monitor behind admin credentials, mounted at `/colyseus` (see `monitor.ts`). */
  monitor?: RequestHandler[];
  /** The realtime load of this process and of the service; without it `/api/socket/stats` is not mounted. */
  realtimeLoad?: SocketStatsDeps["realtimeLoad"];
}

/** The demo page, and the official Colyseus browser SDK it loads from node_modules (no CDN, no bundler). */
const DEMO_PAGE_DIR = fileURLToPath(new URL("../../public", import.meta.url));
const BROWSER_SDK_DIR = path.join(path.dirname(fileURLToPath(import.meta.resolve("@colyseus/sdk/package.json"))), "dist");
/** altcha-lib's ES modules (browser key derivation and helpers), imported by the page's challenge worker. */
const ALTCHA_DIR = path.dirname(fileURLToPath(import.meta.resolve("altcha-lib")));
/** @noble/hashes' ES modules: the synchronous SHA-256 the challenge worker hashes with. */
const NOBLE_HASHES_DIR = path.dirname(fileURLToPath(import.meta.resolve("@noble/hashes/sha2.js")));

/** Helmet's defaults, plus what the demo page needs: blob: URLs for voice notes and previews; 'self' covers its WebSocket. */
const CONTENT_SECURITY_POLICY = {
  directives: { connectSrc: ["'self'"], imgSrc: ["'self'", "data:", "blob:"], mediaSrc: ["'self'", "blob:"] },
};

/**
 * HSTS and `upgrade-insecure-requests` only where the page came over TLS: over plain HTTP (a phone on
 * the LAN, compose on a host name) they would send the browser to an HTTPS that does not exist. Behind
 * a proxy that is only known with TRUST_PROXY; without it, production assumes TLS in front.
 */
function securityHeaders(config: Services["config"]): RequestHandler {
  const overTls = fixedHeaders(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  const plainHttp = fixedHeaders(helmet({
    contentSecurityPolicy: { directives: { ...CONTENT_SECURITY_POLICY.directives, upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  }));
  const proxyTells = config.trustProxy !== false && config.trustProxy !== 0;
  return (req, res, next) => (req.secure || (config.isProduction && !proxyTells) ? overTls : plainHttp)(req, res, next);
}

/** Every documented route; a test checks that no route of the app is missing. */
export const routeDocs = [...opsRouteDocs, ...socketStatsRouteDocs, ...authRouteDocs, ...rtcRouteDocs, ...uploadRouteDocs, ...userRouteDocs, ...adminRouteDocs];

/** Builds the Express application; `server.ts` mounts it on the shared HTTP server next to Colyseus. */
export function createApp(services: Services, options: AppOptions): Express {
  const { config, logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.set("query parser", "simple");

  const limits = options.rateLimits;

  app.use(readClientIpOnce(config.trustProxy));
  app.use(httpMetrics(createRoutePatterns(app)));
  app.use(requestLog(logger));
  app.use(securityHeaders(config));
  app.use(corsMiddleware(options.cors));
  if (options.matchmaking) app.post("/matchmake/:method/:roomName", limits.matchmake, ...matchmakingBody(config.limits.jsonBodyBytes), options.matchmaking);

  app.get("/health", (_req, res) => {
    sendData(res, { status: "ok", uptime: Math.round(process.uptime()) });
  });
  app.get("/ready", readyEndpoint({ store: () => services.users.ping(), ...options.readiness }, logger));
  app.get("/metrics", metricsEndpoint(config));
  if (options.monitor) app.use("/colyseus", limits.admin, ...options.monitor);
  if (options.playground) app.use("/playground", options.playground);
  app.use("/moderation", limits.admin, ...(moderationPage(config) ?? [notFound]));
  app.use(apiDocsRoutes(routeDocs, { textMaxLength: config.limits.textMaxLength }));
  app.use("/api", limits.api);
  app.use("/api/auth", limits.auth);
  app.use("/api/uploads", limits.upload);
  app.use(express.json({ limit: config.limits.jsonBodyBytes, strict: true }));
  const requireUser = requireAuth(services.authenticate);
  app.use("/api/auth", authRoutes({ ...services, requireUser, guestTtlHours: config.guestTtlHours }));
  app.use("/api/rtc", rtcRoutes({ rtc: config.rtc, requireUser }));
  if (options.realtimeLoad) app.use("/api/socket", socketStatsRoutes({ ...services, realtimeLoad: options.realtimeLoad }));
  if (options.chatMembership) app.use("/api/uploads", uploadRoutes({ ...services, membership: options.chatMembership, requireUser }));
  if (options.directory) app.use("/api/users", userRoutes({ ...services, directory: options.directory, requireUser }));
  const admin = adminRoutes({ ...services, admin: config.admin });
  if (admin) app.use("/api/admin", limits.admin, admin);

  // Files last: a file lookup that fails (an API path has no file) costs a thread-pool stat and an error object.
  app.use(express.static(DEMO_PAGE_DIR));
  app.use("/vendor/colyseus", express.static(BROWSER_SDK_DIR));
  app.use("/vendor/altcha", express.static(ALTCHA_DIR));
  app.use("/vendor/noble-hashes", express.static(NOBLE_HASHES_DIR));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
