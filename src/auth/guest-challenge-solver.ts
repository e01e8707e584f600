import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";

/**
 * The client's side of the guest challenge, for Node clients (tests, bots, scripts): finds the
 * counter and returns the `altcha` value `POST /api/auth/guest` expects.
 */
export async function solveGuestChallenge(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("the guest challenge was not solved in time");
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

/** Fetches a challenge from a Pairline server and solves it. */
export async function fetchAndSolveGuestChallenge(baseUrl: string, deviceId?: string, headers: Record<string, string> = {}): Promise<string> {
  const query = deviceId ? `?deviceId=${encodeURIComponent(deviceId)}` : "";
  const response = await fetch(`${baseUrl}/api/auth/challenge${query}`, { headers });
  const body = (await response.json()) as { data?: { challenge: Challenge }; message?: string };
  if (!response.ok || !body.data) throw new Error(`challenge refused: ${response.status} ${body.message ?? ""}`);
  return solveGuestChallenge(body.data.challenge);
}
