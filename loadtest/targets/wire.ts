/** The bare WebSocket baseline's framing: one JSON array `[type, payload]` per text frame. */
export function encodeFrame(type: string, payload: unknown): string {
  return JSON.stringify([type, payload ?? null]);
}

export function decodeFrame(data: unknown): [string, any] | undefined {
  try {
    const frame = JSON.parse(String(data)) as unknown;
    return Array.isArray(frame) && typeof frame[0] === "string" ? [frame[0], frame[1]] : undefined;
  } catch {
    return undefined;
  }
}

/** Reconnection grace of the baselines, in seconds (Pairline's default RECONNECT_GRACE). */
export const BASELINE_RECONNECT_SECONDS = 20;
