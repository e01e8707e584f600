import { TestNetwork } from "./network.ts";

/** Skips the suite, saying why, where network namespaces cannot be made (not root, no CAP_NET_ADMIN, not Linux). */
export function requireNetworkNamespaces(suite: Mocha.Context): void {
  const problem = TestNetwork.unavailable();
  if (!problem) return;
  console.warn(`    SKIPPED netlab suites: ${problem}`);
  suite.skip();
}
