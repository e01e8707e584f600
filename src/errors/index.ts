/** The errors REST answers with, made from the catalogue; rooms send the catalogue's codes with `sendRoomError`. */
import { AppErrorCode, errorCatalogue, type HttpErrorCode } from "./catalogue.ts";

export { AppErrorCode, RoomErrorCode, errorCatalogue, type HttpErrorCode } from "./catalogue.ts";

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: HttpErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Sent as `Retry-After` when set: the client may try again after this many seconds. */
  retryAfterSeconds?: number;

  constructor(code: HttpErrorCode, message: string = errorCatalogue[code].message, details?: unknown, status: number = errorCatalogue[code].status) {
    // A 4xx answers the client; it is no fault of the server's, so it carries no stack trace, which costs
    // about 0.1 ms to capture under Express's call depth: a flood of bad requests stays cheap.
    const stackFrames = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = stackFrames;
    }
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The errors whose message or details depend on the case; the others take the catalogue's message. */
export const Errors = {
  validation: (fields: FieldError[]) => new AppError(AppErrorCode.VALIDATION_FAILED, undefined, fields),
  malformedJson: () => new AppError(AppErrorCode.MALFORMED_JSON),
  /** A client error reported by Express's body parsing with no more precise code (its own 4xx status). */
  badRequest: (status: number) => new AppError(AppErrorCode.BAD_REQUEST, undefined, undefined, status),
  unauthorized: (message?: string) => new AppError(AppErrorCode.UNAUTHORIZED, message),
  invalidCredentials: () => new AppError(AppErrorCode.INVALID_CREDENTIALS),
  forbidden: (message?: string) => new AppError(AppErrorCode.FORBIDDEN, message),
  banned: (ban: { until: Date; reason: string }) =>
    new AppError(AppErrorCode.BANNED, `Banned until ${ban.until.toISOString()}`, {
      until: ban.until.toISOString(),
      reason: ban.reason,
    }),
  challengeRequired: () => new AppError(AppErrorCode.CHALLENGE_REQUIRED),
  challengeInvalid: (why: "invalid" | "expired") =>
    new AppError(
      AppErrorCode.CHALLENGE_INVALID,
      why === "expired" ? "The challenge has expired: get a new one from GET /api/auth/challenge" : undefined,
    ),
  challengeUsed: () => new AppError(AppErrorCode.CHALLENGE_USED),
  reportEvidenceInvalid: (problem: string) =>
    new AppError(AppErrorCode.REPORT_EVIDENCE_INVALID, `${errorCatalogue.REPORT_EVIDENCE_INVALID.message}: ${problem}`),
  reportMeetingInvalid: () => new AppError(AppErrorCode.REPORT_MEETING_INVALID),
  notFound: (message?: string) => new AppError(AppErrorCode.NOT_FOUND, message),
  userExists: (field: "username" | "email") =>
    new AppError(AppErrorCode.USER_EXISTS, `A user with this ${field} already exists`, [
      { field, message: "already taken" },
    ]),
  payloadTooLarge: (message?: string) => new AppError(AppErrorCode.PAYLOAD_TOO_LARGE, message),
  lengthRequired: () => new AppError(AppErrorCode.LENGTH_REQUIRED),
  unsupportedMediaType: (message?: string) => new AppError(AppErrorCode.UNSUPPORTED_MEDIA_TYPE, message),
  unsupportedFileType: (message?: string) => new AppError(AppErrorCode.UNSUPPORTED_FILE_TYPE, message),
  voiceTooLong: (maxSeconds: number) =>
    new AppError(AppErrorCode.VOICE_TOO_LONG, `Voice notes can be at most ${maxSeconds} seconds long`),
  voiceUnreadable: () => new AppError(AppErrorCode.VOICE_UNREADABLE),
  imageTooLarge: (width: number, height: number, maxPixels: number) =>
    new AppError(AppErrorCode.IMAGE_TOO_LARGE, `An image can have at most ${maxPixels} pixels; this one claims ${width} x ${height}`),
  imageRefused: () => new AppError(AppErrorCode.IMAGE_REFUSED),
  uploadQuotaExceeded: (message?: string) => new AppError(AppErrorCode.UPLOAD_QUOTA_EXCEEDED, message),
  rangeNotSatisfiable: () => new AppError(AppErrorCode.RANGE_NOT_SATISFIABLE),
  rateLimited: (message?: string) => new AppError(AppErrorCode.RATE_LIMITED, message),
  internal: () => new AppError(AppErrorCode.INTERNAL_ERROR),
  busy: (message: string, retryAfterSeconds: number) =>
    Object.assign(new AppError(AppErrorCode.SERVICE_UNAVAILABLE, message), { retryAfterSeconds }),
  unavailable: (message?: string) => new AppError(AppErrorCode.SERVICE_UNAVAILABLE, message),
  notReady: (failing: { check: string; message: string }[]) =>
    new AppError(AppErrorCode.SERVICE_UNAVAILABLE, `Not ready: ${failing.map((f) => f.check).join(", ")}`, failing),
};
