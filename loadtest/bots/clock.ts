let origin = Date.now() - performance.now();

/**
 * Milliseconds since the epoch with sub-millisecond resolution, on the wall clock every
 * process on the machine shares, so a time taken by a sender in one worker can be
 * subtracted from a time taken by a receiver in another. `performance.timeOrigin` alone is
 * fixed when a process starts: once the machine's clock is stepped (a virtual machine's host
 * resynchronising it), processes started before and after disagree by the step (12.7 s was
 * seen between the bench and its workers). The origin follows the wall clock again as soon as
 * the two part by more than the wall clock's own millisecond resolution.
 */
export function epochMs(): number {
  const now = performance.now();
  const wall = Date.now();
  if (Math.abs(wall - (origin + now)) > 2) origin = wall - now;
  return origin + now;
}
