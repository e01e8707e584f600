import type { Request, RequestHandler } from "express";
import type { Config } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import { metrics, renderMetrics } from "../metrics/index.ts";
import { credentialOf, secretsMatch } from "../http-kit/credentials.ts";
import { sendAppError } from "../http-kit/respond.ts";

/** The low-cardinality label of a request: its route pattern, its mount, or a fixed word. */
function routeLabel(req: Request, pattern: string | undefined, status: number): string {
  if (pattern) return pattern;
  if (req.baseUrl) return `${req.baseUrl}/*`;
  return status === 404 ? "unmatched" : "other";
}

/** Counts every answered request by method, route pattern (never the raw path) and status. */
export function httpMetrics(patternOf: (req: Request) => string | undefined): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequest(req.method, routeLabel(req, patternOf(req), res.statusCode), res.statusCode, seconds);
    });
    next();
  };
}

/** `GET /metrics` in Prometheus text format; with `METRICS_TOKEN` set, only for `Authorization: Bearer <token>`. */
export function metricsEndpoint(config: Pick<Config, "metricsToken">): RequestHandler {
  return async (req, res, next) => {
    if (config.metricsToken) {
      const presented = credentialOf(req.get("authorization"), "bearer");
      if (presented === null || !secretsMatch(presented, config.metricsToken)) {
        res.set("WWW-Authenticate", 'Bearer realm="metrics"');
        return sendAppError(res, Errors.unauthorized("Metrics token required"));
      }
    }
    try {
      const { contentType, body } = await renderMetrics();
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  };
}
