import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, AppErrorCode, Errors } from "../errors/index.ts";
import type { Logger } from "../logger/index.ts";
import { metrics } from "../metrics/index.ts";
import { sendAppError } from "../http-kit/respond.ts";

export const notFound: RequestHandler = (req, _res, next) => {
  next(Errors.notFound(`No route for ${req.method} ${req.path}`));
};

/** body-parser and http-errors style errors carry `type`/`status`; map the ones a client can cause. */
function fromHttpError(error: { type?: unknown; status?: unknown }): AppError | null {
  if (error.type === "entity.parse.failed") return Errors.malformedJson();
  if (error.type === "entity.too.large" || error.status === 413) return Errors.payloadTooLarge();
  if (error.type === "encoding.unsupported" || error.type === "charset.unsupported") {
    return Errors.unsupportedMediaType("Unsupported body encoding");
  }
  if (typeof error.status === "number" && error.status >= 400 && error.status < 500) {
    return Errors.badRequest(error.status);
  }
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known =
      error instanceof AppError
        ? error
        : typeof error === "object" && error !== null
          ? fromHttpError(error as { type?: unknown; status?: unknown })
          : null;
    if (known) {
      if (known.code === AppErrorCode.VALIDATION_FAILED) metrics.validationFailed("rest");
      return sendAppError(res, known);
    }
    const stack = error instanceof Error ? error.stack : String(error);
    logger.error("Unhandled error", { requestId: req.id, method: req.method, path: req.path, stack });
    sendAppError(res, Errors.internal());
  };
}
