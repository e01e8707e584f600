import type { RequestHandler } from "express";
import { MemoryStore, rateLimit, type Store } from "express-rate-limit";
import type { Redis } from "ioredis";
import type { Config, RedisTarget } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import type { Logger } from "../logger/index.ts";
import { metrics } from "../metrics/index.ts";
import { connectRedis, disconnectRedis } from "../redis/connect.ts";
import { redisRateLimitStore, type RedisHitCounter } from "./redis-rate-limit-store.ts";
import { sendAppError } from "../http-kit/respond.ts";

/**
 * The per-IP limits: auth (credential endpoints), api (everything under /api), upload,
 * matchmake (Colyseus's HTTP routes), admin (wrong admin credentials, on the monitor and the admin API alike).
 */
export type LimiterName = "auth" | "api" | "upload" | "matchmake" | "admin";
export type RateLimits = Record<LimiterName, RequestHandler> & {
  /** Closes the shared counters' connection, if any (on shutdown, after the last request). */
  close(): Promise<void>;
};

/** A rate limit check waits no longer than this for Redis; the request then passes uncounted (and it is logged). */
const REDIS_RATE_LIMIT_TIMEOUT_MS = 500;

/**
 * The one place that decides where hit counts live. Each limiter gets its own
 * store; a shared one (Redis, keyed by `name`, over one connection for every limiter)
 * makes the limits hold across processes.
 */
function rateLimitStores(target: RedisTarget | undefined, logger: Logger): { storeFor(name: LimiterName): Store; close(): Promise<void> } {
  if (!target) return { storeFor: () => new MemoryStore(), close: async () => {} };
  const redis: Redis = connectRedis(target, logger, "rate-limits", { commandTimeoutMs: REDIS_RATE_LIMIT_TIMEOUT_MS });
  const made: RedisHitCounter[] = [];
  return {
    storeFor: (name) => {
      const store = redisRateLimitStore(redis, name);
      made.push(store);
      return store;
    },
    close: async () => {
      await Promise.all(made.map((store) => store.flush()));
      await disconnectRedis(redis);
    },
  };
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
  const stores = rateLimitStores(config.redis, logger);
  const limiter = (name: LimiterName, spec: LimiterSpec): RequestHandler =>
    rateLimit({
      limit: spec.limit,
      windowMs: spec.windowMs,
      identifier: name,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      store: stores.storeFor(name),
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
    close: stores.close,
  };
}
