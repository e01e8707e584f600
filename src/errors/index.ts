/**
 * One catalogue of the errors Pairline reports, shared by REST responses
 * (`{success:false, message, code}`) and room `error` messages (`{code, message}`).
 */
export const ErrorCode = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  MALFORMED_JSON: "MALFORMED_JSON",
  UNAUTHORIZED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  FORBIDDEN: "FORBIDDEN",
  BANNED: "BANNED",
  CHALLENGE_REQUIRED: "CHALLENGE_REQUIRED",
  CHALLENGE_INVALID: "CHALLENGE_INVALID",
  CHALLENGE_USED: "CHALLENGE_USED",
  REPORT_EVIDENCE_INVALID: "REPORT_EVIDENCE_INVALID",
  REPORT_MEETING_INVALID: "REPORT_MEETING_INVALID",
  NOT_FOUND: "NOT_FOUND",
  USER_EXISTS: "USER_EXISTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  LENGTH_REQUIRED: "LENGTH_REQUIRED",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNSUPPORTED_FILE_TYPE: "UNSUPPORTED_FILE_TYPE",
  VOICE_TOO_LONG: "VOICE_TOO_LONG",
  VOICE_UNREADABLE: "VOICE_UNREADABLE",
  IMAGE_TOO_LARGE: "IMAGE_TOO_LARGE",
  IMAGE_REFUSED: "IMAGE_REFUSED",
  UPLOAD_QUOTA_EXCEEDED: "UPLOAD_QUOTA_EXCEEDED",
  RANGE_NOT_SATISFIABLE: "RANGE_NOT_SATISFIABLE",
  RATE_LIMITED: "RATE_LIMITED",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  /** Sent as `Retry-After` when set: the client may try again after this many seconds. */
  retryAfterSeconds?: number;

  constructor(code: string, status: number, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export const Errors = {
  validation: (fields: FieldError[]) =>
    new AppError(ErrorCode.VALIDATION_FAILED, 400, "Validation failed", fields),
  malformedJson: () =>
    new AppError(ErrorCode.MALFORMED_JSON, 400, "Request body is not valid JSON"),
  unauthorized: (message = "Authentication required") =>
    new AppError(ErrorCode.UNAUTHORIZED, 401, message),
  invalidCredentials: () =>
    new AppError(ErrorCode.INVALID_CREDENTIALS, 401, "Invalid email or password"),
  forbidden: (message = "Not allowed") => new AppError(ErrorCode.FORBIDDEN, 403, message),
  banned: (ban: { until: Date; reason: string }) =>
    new AppError(ErrorCode.BANNED, 403, `Banned until ${ban.until.toISOString()}`, {
      until: ban.until.toISOString(),
      reason: ban.reason,
    }),
  challengeRequired: () =>
    new AppError(
      ErrorCode.CHALLENGE_REQUIRED,
      403,
      "A guest session needs a solved challenge: GET /api/auth/challenge, solve it, and send it as `altcha`",
    ),
  challengeInvalid: (why: "invalid" | "expired") =>
    new AppError(
      ErrorCode.CHALLENGE_INVALID,
      403,
      why === "expired"
        ? "The challenge has expired: get a new one from GET /api/auth/challenge"
        : "The challenge solution is wrong, altered, or was issued to another address or device",
    ),
  challengeUsed: () =>
    new AppError(ErrorCode.CHALLENGE_USED, 403, "This challenge was already used: get a new one from GET /api/auth/challenge"),
  reportEvidenceInvalid: (problem: string) =>
    new AppError(ErrorCode.REPORT_EVIDENCE_INVALID, 400, `Report refused: ${problem}`),
  reportMeetingInvalid: () =>
    new AppError(
      ErrorCode.REPORT_MEETING_INVALID,
      403,
      "Report refused: `meeting` must be the token of a chat you had with this user (sent as `chat:meeting`), within the report window",
    ),
  notFound: (message = "Not found") => new AppError(ErrorCode.NOT_FOUND, 404, message),
  userExists: (field: "username" | "email") =>
    new AppError(ErrorCode.USER_EXISTS, 409, `A user with this ${field} already exists`, [
      { field, message: "already taken" },
    ]),
  payloadTooLarge: (message = "Request body is too large") =>
    new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 413, message),
  lengthRequired: () =>
    new AppError(ErrorCode.LENGTH_REQUIRED, 411, "This request must declare its body's length (Content-Length)"),
  unsupportedMediaType: (message = "Unsupported content type") =>
    new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415, message),
  unsupportedFileType: (message = "This type of file cannot be shared") =>
    new AppError(ErrorCode.UNSUPPORTED_FILE_TYPE, 415, message),
  voiceTooLong: (maxSeconds: number) =>
    new AppError(ErrorCode.VOICE_TOO_LONG, 422, `Voice notes can be at most ${maxSeconds} seconds long`),
  voiceUnreadable: () =>
    new AppError(ErrorCode.VOICE_UNREADABLE, 422, "The voice note is not audio whose length can be measured"),
  imageTooLarge: (width: number, height: number, maxPixels: number) =>
    new AppError(ErrorCode.IMAGE_TOO_LARGE, 422, `An image can have at most ${maxPixels} pixels; this one claims ${width} x ${height}`),
  imageRefused: () =>
    new AppError(ErrorCode.IMAGE_REFUSED, 422, "This image was flagged as sensitive and cannot be shared here"),
  uploadQuotaExceeded: (message = "This chat has reached its upload quota") =>
    new AppError(ErrorCode.UPLOAD_QUOTA_EXCEEDED, 413, message),
  rangeNotSatisfiable: () =>
    new AppError(ErrorCode.RANGE_NOT_SATISFIABLE, 416, "The requested range is outside the file"),
  rateLimited: (message = "Too many requests, try again later") =>
    new AppError(ErrorCode.RATE_LIMITED, 429, message),
  internal: () => new AppError(ErrorCode.INTERNAL_ERROR, 500, "Internal server error"),
  busy: (message: string, retryAfterSeconds: number) =>
    Object.assign(new AppError(ErrorCode.SERVICE_UNAVAILABLE, 503, message), { retryAfterSeconds }),
  unavailable: (message = "Service unavailable") =>
    new AppError(ErrorCode.SERVICE_UNAVAILABLE, 503, message),
  notReady: (failing: { check: string; message: string }[]) =>
    new AppError(
      ErrorCode.SERVICE_UNAVAILABLE,
      503,
      `Not ready: ${failing.map((f) => f.check).join(", ")}`,
      failing,
    ),
};
