export const TIMED_OUT = Symbol("timed out");

/**
 * `work`'s value, or `TIMED_OUT` if it has not settled within `ms`; a rejection passes
 * through. The work goes on either way; the timer never outlives the race.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
