import type { TargetName } from "../targets/launch.ts";

/** One target of an A/B comparison: a baseline, or Pairline from some checkout, with settings of its own. */
export interface Run {
  label: string;
  name: TargetName;
  root: string;
  env: Record<string, string>;
}

const HERE = new URL("../..", import.meta.url).pathname;

/**
 * The targets named (`pairline,bare-colyseus`, from this checkout), then Pairline from each
 * other checkout (`--root`, e.g. `git archive main | tar -x -C /tmp/base` with a `node_modules`
 * link), then Pairline from this checkout once per `--vary KEY=VALUE` with that added to its
 * environment (e.g. `NODE_OPTIONS=--max-semi-space-size=4`).
 */
export function runsOf(targets: string, roots: string[], variants: string[] = []): Run[] {
  return [
    ...targets.split(",").map((name) => ({ label: name, name: name as TargetName, root: HERE, env: {} })),
    ...roots.map((root) => ({ label: `pairline@${root}`, name: "pairline" as const, root, env: {} })),
    ...variants.map((pair) => ({ label: `pairline ${pair}`, name: "pairline" as const, root: HERE, env: envOf([pair]) })),
  ];
}

/** `KEY=VALUE` arguments as an environment. */
export function envOf(pairs: string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}
