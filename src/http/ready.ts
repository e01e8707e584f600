import type { RequestHandler } from "express";
import { Errors } from "../errors/index.ts";
import type { Logger } from "../logger/index.ts";
import { sendData } from "../http-kit/respond.ts";
import { TIMED_OUT, within } from "../timeouts/index.ts";

/** Resolves when a dependency answers; rejects (or never settles) when it does not. */
export type ReadinessCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 2000;
/** `null` when the check passed, else why it failed (or `TIMED_OUT`). */
function run(check: ReadinessCheck, timeoutMs: number): Promise<unknown> {
  return within(check().then(() => null, (error: unknown) => error ?? "failed"), timeoutMs);
}

/**
 * `GET /ready`: 200 when every named dependency answers, 503 naming the ones that
 * do not. The cause goes to the log, not to the (public) response.
 */
export function readyEndpoint(
  checks: Record<string, ReadinessCheck>,
  logger: Logger,
  timeoutMs = CHECK_TIMEOUT_MS,
): RequestHandler {
  return async (_req, res) => {
    const names = Object.keys(checks);
    const outcomes = await Promise.all(names.map((name) => run(checks[name]!, timeoutMs)));
    const failing = names.flatMap((check, i) => {
      const outcome = outcomes[i];
      if (outcome === null) return [];
      const message = outcome === TIMED_OUT ? `no answer within ${timeoutMs} ms` : "unreachable";
      logger.warn("Readiness check failed", { check, error: outcome === TIMED_OUT ? message : String(outcome) });
      return [{ check, message }];
    });
    res.set("Cache-Control", "no-store");
    if (failing.length > 0) throw Errors.notReady(failing);
    sendData(res, { status: "ready", checks: Object.fromEntries(names.map((name) => [name, "ok"])) });
  };
}
