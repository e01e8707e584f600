/**
 * Every error Pairline reports, by code: its HTTP status when REST answers with it
 * (`{success:false, message, code}`), `room: true` when a room sends it as an `error`
 * message (`{code, message, type?}`), and the message it carries unless a caller is more precise.
 */
interface CatalogueEntry {
  status?: number;
  room?: true;
  message: string;
}

export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, message: "Validation failed" },
  MALFORMED_JSON: { status: 400, message: "Request body is not valid JSON" },
  BAD_REQUEST: { status: 400, message: "Bad request" },
  UNAUTHORIZED: { status: 401, message: "Authentication required" },
  INVALID_CREDENTIALS: { status: 401, message: "Invalid email or password" },
  FORBIDDEN: { status: 403, message: "Not allowed" },
  BANNED: { status: 403, room: true, message: "Banned" },
  CHALLENGE_REQUIRED: {
    status: 403,
    message: "A guest session needs a solved challenge: GET /api/auth/challenge, solve it, and send it as `altcha`",
  },
  CHALLENGE_INVALID: {
    status: 403,
    message: "The challenge solution is wrong, altered, or was issued to another address or device",
  },
  CHALLENGE_USED: { status: 403, message: "This challenge was already used: get a new one from GET /api/auth/challenge" },
  REPORT_EVIDENCE_INVALID: { status: 400, room: true, message: "Report refused" },
  REPORT_MEETING_INVALID: {
    status: 403,
    message:
      "Report refused: `meeting` must be the token of a chat you had with this user (sent as `chat:meeting`), within the report window",
  },
  NOT_FOUND: { status: 404, message: "Not found" },
  USER_EXISTS: { status: 409, message: "A user with these details already exists" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "Request body is too large" },
  LENGTH_REQUIRED: { status: 411, message: "This request must declare its body's length (Content-Length)" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Unsupported content type" },
  UNSUPPORTED_FILE_TYPE: { status: 415, message: "This type of file cannot be shared" },
  VOICE_TOO_LONG: { status: 422, message: "This voice note is too long" },
  VOICE_UNREADABLE: { status: 422, message: "The voice note is not audio whose length can be measured" },
  IMAGE_TOO_LARGE: { status: 422, message: "This image has too many pixels" },
  IMAGE_REFUSED: { status: 422, room: true, message: "This image was flagged as sensitive and cannot be shared here" },
  UPLOAD_QUOTA_EXCEEDED: { status: 413, message: "This chat has reached its upload quota" },
  /** A seat reservation used after it lapsed (Colyseus's matchmaking). */
  EXPIRED: { status: 410, message: "The seat reservation has expired" },
  RANGE_NOT_SATISFIABLE: { status: 416, message: "The requested range is outside the file" },
  RATE_LIMITED: { status: 429, room: true, message: "Too many requests, try again later" },
  INTERNAL_ERROR: { status: 500, room: true, message: "Internal server error" },
  SERVICE_UNAVAILABLE: { status: 503, message: "Service unavailable" },
  INVALID_PAYLOAD: { room: true, message: "Invalid payload" },
  UNKNOWN_TYPE: { room: true, message: "Unknown message type" },
  ALREADY_QUEUED: { room: true, message: "You are already waiting for a partner in another window" },
  PARTNER_UNAVAILABLE: { room: true, message: "Your partner is away and cannot receive more" },
  UNKNOWN_FILE: { room: true, message: "fileId: you have no such upload in this chat" },
} as const satisfies Record<string, CatalogueEntry>;

type Catalogue = typeof errorCatalogue;
export type AppErrorCode = keyof Catalogue;
/** The codes REST answers with. */
export type HttpErrorCode = { [C in AppErrorCode]: Catalogue[C] extends { status: number } ? C : never }[AppErrorCode];
/** The codes a room sends in an `error` message. */
export type RoomErrorCode = { [C in AppErrorCode]: Catalogue[C] extends { room: true } ? C : never }[AppErrorCode];

const codes = Object.keys(errorCatalogue) as AppErrorCode[];
const byName = <C extends string>(list: C[]) => Object.fromEntries(list.map((c) => [c, c])) as { readonly [K in C]: K };

export const AppErrorCode = byName(codes);
export const RoomErrorCode = byName(codes.filter((c): c is RoomErrorCode => "room" in errorCatalogue[c]));
