import path from "node:path";
import { parseArgs } from "node:util";
import { TARGETS, type TargetName } from "../targets/launch.ts";
import { FULL_PLAN, LOBBY_FLOWS, QUICK_PLAN, type Plan } from "./plan.ts";

export const SCENARIOS = ["capacity", "throughput", "burst", "signaling", "churn", "hot-path", "scale-out", "redis-cost", "screening", "challenge"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  plan: Plan;
  scenarios: ScenarioName[];
  targets: TargetName[];
  pairlineRoot: string;
  /** The Markdown report, and the folder (beside it or below) for its charts and raw results. */
  reportPath: string;
  assetsDir: string;
  profileDir?: string;
  /** Rebuild the report from a results file instead of running. */
  reportFrom?: string;
  /** Run the chosen scenarios and put their runs into this results file, in place of the same runs. */
  update?: string;
}

export const USAGE = `npm run bench -- [options]
  --quick                 small and short (a few minutes), for development
  --only <list>           scenarios: ${SCENARIOS.join(",")} (default: all; --quick leaves out scale-out and redis-cost)
  --targets <list>        ${TARGETS.join(",")} (default: all; --quick runs pairline,bare-colyseus;
                          pairline-bun is Pairline on Bun)
  --workers <n>           bot worker processes
  --pairline-root <dir>   run Pairline from this folder (default: this repository)
  --flows <list>          ${LOBBY_FLOWS.join(",")} (default: both): bots leave the lobby once seated,
                          and/or keep it open while chatting (two sockets each)
  --keep-lobby            the same as --flows keep
  --profile               write a CPU profile of every server process to loadtest/results/profiles
  --report-from <json>    only rebuild the report from a results file
  --update <json>         run the chosen scenarios and replace their runs in that results file`;

function list<T extends string>(raw: string | undefined, allowed: readonly T[], what: string, fallback: readonly T[]): T[] {
  if (!raw) return [...fallback];
  const picked = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of picked) if (!allowed.includes(name as T)) throw new Error(`unknown ${what} "${name}"; expected ${allowed.join(", ")}`);
  return picked as T[];
}

export function parseOptions(argv: string[], root: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      targets: { type: "string" },
      workers: { type: "string" },
      "pairline-root": { type: "string" },
      profile: { type: "boolean", default: false },
      flows: { type: "string" },
      "keep-lobby": { type: "boolean", default: false },
      "report-from": { type: "string" },
      update: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const base = values.quick ? QUICK_PLAN : FULL_PLAN;
  const workers = values.workers ? Number(values.workers) : base.workers;
  if (!Number.isInteger(workers) || workers < 1) throw new Error("--workers must be a positive integer");
  const results = path.join(root, "loadtest/results");
  return {
    plan: { ...base, workers, flows: values["keep-lobby"] ? ["keep"] : list(values.flows, LOBBY_FLOWS, "flow", base.flows) },
    scenarios: list(values.only, SCENARIOS, "scenario", SCENARIOS.filter((s) => (s !== "scale-out" && s !== "redis-cost") || base.scaleOutByDefault)),
    targets: list(values.targets, TARGETS, "target", base.targets),
    pairlineRoot: path.resolve(values["pairline-root"] ?? root),
    reportPath: values.quick ? path.join(results, "BENCHMARKS.quick.md") : path.join(root, "BENCHMARKS.md"),
    assetsDir: values.quick ? path.join(results, "quick") : path.join(root, "loadtest/benchmarks"),
    profileDir: values.profile ? path.join(results, "profiles") : undefined,
    reportFrom: values["report-from"],
    update: values.update,
  };
}
