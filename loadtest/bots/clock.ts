/**
 * Milliseconds since the epoch with sub-millisecond resolution. Every process on the
 * machine reads the same system clock, so a time taken by a sender in one worker
 * can be subtracted from a time taken by a receiver in another.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();
