import type { RequestHandler } from "express";
import { MemoryStore, rateLimit, type Store } from "express-rate-limit";
import type { Redis } from "ioredis";
import type { Config, RedisTarget } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import type { Logger } from "../logger/index.ts";
import { metrics } from "../metrics/index.ts";
import { connectRedis } from "../redis/connect.ts";
import { redisRateLimitStore } from "./redis-rate-limit-store.ts";
import { sendAppError } from "../http-kit/respond.ts";

/**
 * The per-IP limits: auth (credential endpoints), api (everything under /api), upload,
 * matchmake (Colyseus's HTTP routes), admin (wrong admin credentials, on the monitor and the admin API alike).
 */
export type LimiterName = "auth" | "api" | "upload" | "matchmake" | "admin";
export type RateLimits = Record<LimiterName, RequestHandler>;

/** A rate limit check waits no longer than this for Redis; the request then passes uncounted (and it is logged). */
const REDIS_RATE_LIMIT_TIMEOUT_MS = 500;

/** One Redis connection per process for every limiter. */
let sharedRedis: { key: string; client: Redis } | undefined;
function rateLimitRedis(target: RedisTarget, logger: Logger): Redis {
  const key = JSON.stringify(target);
  if (sharedRedis?.key !== key) {
    sharedRedis = { key, client: connectRedis(target, logger, "rate-limits", { commandTimeoutMs: REDIS_RATE_LIMIT_TIMEOUT_MS }) };
  }
  return sharedRedis.client;
}

/**
 * The one place that decides where hit counts live. Each limiter gets its own
 * store; a shared one (Redis, keyed by `name`) makes the limits hold across processes.
 */
export function rateLimitStore(config: Pick<Config, "redis">, name: LimiterName, logger: Logger): Store {
  if (config.redis) return redisRateLimitStore(rateLimitRedis(config.redis, logger), name);
  return new MemoryStore();
}

interface LimiterSpec {
  limit: number;
  windowMs: number;
  /** Only requests with this method count; the others pass untouched. */
  method?: string;
  /**
   * Only refused credentials count: a request that presents none guesses nothing (a
   * browser's first, challenged request), and the admin's own use never locks them out.
   */
  failedCredentialsOnly?: boolean;
}

function specs(limits: Config["rateLimits"]): Record<LimiterName, LimiterSpec> {
  return {
    auth: { limit: limits.authMax, windowMs: limits.authWindowMs, method: "POST" },
    api: { limit: limits.apiMax, windowMs: limits.apiWindowMs },
    upload: { limit: limits.uploadMax, windowMs: limits.uploadWindowMs, method: "POST" },
    matchmake: { limit: limits.matchmakeMax, windowMs: limits.matchmakeWindowMs },
    admin: { limit: limits.adminMax, windowMs: limits.adminWindowMs, failedCredentialsOnly: true },
  };
}

/** One middleware per limit: standard `RateLimit-*` headers (draft-8), and a 429 `RATE_LIMITED` envelope once exceeded. */
export function createRateLimits(config: Pick<Config, "rateLimits" | "redis">, logger: Logger): RateLimits {
  const limiter = (name: LimiterName, spec: LimiterSpec): RequestHandler =>
    rateLimit({
      limit: spec.limit,
      windowMs: spec.windowMs,
      identifier: name,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      store: rateLimitStore(config, name, logger),
      passOnStoreError: true,
      skip: (req) =>
        (spec.method !== undefined && req.method !== spec.method) ||
        (spec.failedCredentialsOnly === true && req.get("authorization") === undefined),
      skipSuccessfulRequests: spec.failedCredentialsOnly === true,
      requestWasSuccessful: (_req, res) => res.statusCode !== 401,
      handler: (_req, res) => {
        metrics.rateLimited(name);
        sendAppError(res, Errors.rateLimited());
      },
      logger: {
        error: (error, message) => logger.error(message ?? "Rate limiter error", { limiter: name, error: String(error) }),
        warn: (error, message) => logger.warn(message ?? "Rate limiter warning", { limiter: name, error: String(error) }),
      },
    });
  const all = specs(config.rateLimits);
  return {
    auth: limiter("auth", all.auth),
    api: limiter("api", all.api),
    upload: limiter("upload", all.upload),
    matchmake: limiter("matchmake", all.matchmake),
    admin: limiter("admin", all.admin),
  };
}
