import { ErrorCode, ServerError } from "@colyseus/core";
import type { Authenticate } from "./authenticate.ts";
import { AppError } from "../errors/index.ts";
import { countryOf } from "../users/geo.ts";

/** What a room knows about the user behind a seat: plain JSON, so it can cross processes. */
export interface SeatAuth {
  id: string;
  username: string;
  /** Country of the connection's address, when known; shown to a partner only if the user chooses. */
  country?: string | null;
}

/** Verifies a room join's token with the same check REST uses; a refusal reaches the SDK as a 525 MatchMakeError. */
export async function authenticateSeat(
  authenticate: Authenticate,
  token: string | undefined,
  ip?: string,
): Promise<SeatAuth> {
  try {
    const user = await authenticate(token);
    return { id: user.id, username: user.username, country: countryOf(ip) };
  } catch (error) {
    if (error instanceof AppError) throw new ServerError(ErrorCode.AUTH_FAILED, error.message);
    throw error;
  }
}
