/**
 * The Colyseus SDK reports on the console whatever happens to a client: every reconnection attempt,
 * a message without a handler, an unexpected close. The suites cause those on purpose (they drop,
 * kill and freeze connections), so on a green run they are expected, not alarming. They are counted
 * and summed up once at the end; `TEST_VERBOSE=1 npm test` prints them as they come.
 */
const EXPECTED = [/^\[Colyseus reconnection\]/, /^@colyseus\/sdk: onMessage\(\) not registered/, /^Room connection was closed unexpectedly/];

let hidden = 0;
if (process.env.TEST_VERBOSE !== "1") {
  for (const method of ["info", "warn", "log"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (typeof args[0] === "string" && EXPECTED.some((pattern) => pattern.test(args[0] as string))) {
        hidden++;
        return;
      }
      original(...args);
    };
  }
}

export function mochaGlobalTeardown(): void {
  if (hidden > 0) {
    console.log(`  (${hidden} expected Colyseus SDK console messages about reconnections and closed rooms hidden; TEST_VERBOSE=1 shows them)`);
  }
}
