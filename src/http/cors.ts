import type { RequestHandler } from "express";
import type { Config } from "../config/index.ts";

export interface CorsPolicy {
  /** Whether a browser page from `origin` may call this service (no Origin header: not a browser, allowed). */
  allows(origin: string | undefined): boolean;
  /** The CORS response headers for a request from `origin`; empty when it is not allowed. */
  headersFor(origin: string | undefined): Record<string, string>;
}

const ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

/** One CORS policy from `CORS_ORIGIN`, applied alike to Express routes and Colyseus's matchmaking routes. */
export function createCorsPolicy(config: Pick<Config, "corsOrigins" | "corsCredentials">): CorsPolicy {
  const any = config.corsOrigins.includes("*");
  const listed = new Set(config.corsOrigins);
  const allows = (origin: string | undefined) => origin === undefined || any || listed.has(origin);
  return {
    allows,
    headersFor(origin) {
      if (origin === undefined || !allows(origin)) return {};
      return {
        "Access-Control-Allow-Origin": any && !config.corsCredentials ? "*" : origin,
        ...(config.corsCredentials ? { "Access-Control-Allow-Credentials": "true" } : {}),
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      };
    },
  };
}

export function corsMiddleware(policy: CorsPolicy): RequestHandler {
  return (req, res, next) => {
    res.set(policy.headersFor(req.get("origin")));
    if (req.method === "OPTIONS") {
      res.status(policy.allows(req.get("origin")) ? 204 : 403).end();
      return;
    }
    next();
  };
}
