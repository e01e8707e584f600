import { spawnSync } from "node:child_process";

/**
 * Skips the suite (with a warning naming the package) when an external program it drives is
 * missing, except in CI (`CI=true`), where `.ci/run` installs it and its absence fails the suite.
 */
export function requireTool(suite: Mocha.Context, command: string, versionArgs: string[], aptPackage: string): void {
  if (spawnSync(command, versionArgs).status === 0) return;
  const problem = `${command} is not installed (apt-get install -y ${aptPackage})`;
  if (process.env.CI === "true") throw new Error(problem);
  console.warn(`    skipped: ${problem}`);
  suite.skip();
}
