import type { Response } from "express";
import type { AppError } from "../errors/index.ts";

/** The success envelope: `{ success: true, message?, data? }`. */
export function sendData(res: Response, data: unknown, options: { status?: number; message?: string } = {}): void {
  res.status(options.status ?? 200).json({
    success: true,
    ...(options.message ? { message: options.message } : {}),
    ...(data === undefined ? {} : { data }),
  });
}

/** The error envelope: `{ success: false, message, code, errors? }`. */
export function sendAppError(res: Response, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) res.set("Retry-After", String(error.retryAfterSeconds));
  res.status(error.status).json({
    success: false,
    message: error.message,
    code: error.code,
    ...(error.details === undefined ? {} : { errors: error.details }),
  });
}
