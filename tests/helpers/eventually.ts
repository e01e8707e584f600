/**
 * Retries `check` every 50 ms until it passes: returns anything but `false` without
 * throwing. Past `timeoutMs`, its last error is thrown, or one naming `what`.
 */
export async function eventually(check: () => unknown, timeoutMs = 3000, what = "the check"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      if ((await check()) !== false) return;
      failure = new Error(`not within ${timeoutMs} ms: ${what}`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
