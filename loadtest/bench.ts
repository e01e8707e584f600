/**
 * `npm run bench`: starts a fresh server per scenario and target, drives it with bot
 * workers, and writes BENCHMARKS.md (tables, charts, raw results). See `--help`.
 */
import fs from "node:fs";
import path from "node:path";
import { describeMachine } from "./report/machine.ts";
import { writeReport, type BenchResults } from "./report/write-report.ts";
import { parseOptions, type BenchOptions, type ScenarioName } from "./run/options.ts";
import type { LobbyFlow } from "./run/plan.ts";
import { say } from "./run/progress.ts";
import { mergeSafety, runSafety, SAFETY_SCENARIOS } from "./run/safety.ts";
import type { BurstRun, ScenarioRun, TargetRun } from "./run/results.ts";
import { medianRound, runBurst } from "./run/scenarios/burst.ts";
import { runHotPath } from "./run/scenarios/hot-path.ts";
import { runCapacity } from "./run/scenarios/capacity.ts";
import { runRedisCost } from "./run/scenarios/redis-cost.ts";
import { runChurn } from "./run/scenarios/churn.ts";
import { runSignaling } from "./run/scenarios/signaling.ts";
import { runThroughput } from "./run/scenarios/throughput.ts";
import { Session } from "./run/session.ts";
import { skipReason } from "./run/skip-reason.ts";
import { killAllOnExit } from "./targets/child-process.ts";
import { launchTarget, TARGET_TITLES, type TargetName } from "./targets/launch.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
/** However long the servers take, a run never outlives this. */
const DEADLINE_MS = { quick: 10 * 60_000, full: 55 * 60_000 };

type Scenario = Exclude<ScenarioName, "scale-out" | "hot-path" | (typeof SAFETY_SCENARIOS)[number]>;
const LETTER: Record<Scenario, string> = { capacity: "a/d", throughput: "b", burst: "c", signaling: "f", "redis-cost": "g", churn: "h" };

let current: Session | undefined;

async function runOne(options: BenchOptions, scenario: Scenario, target: TargetName, processes: number, flow: LobbyFlow = "leave"): Promise<ScenarioRun> {
  const { plan } = options;
  const keepLobby = flow === "keep";
  const label = `(${processes > 1 && scenario !== "redis-cost" ? "e" : LETTER[scenario]}) ${scenario}, ${TARGET_TITLES[target]}, ${processes} process${processes > 1 ? "es + Redis" : ""}${keepLobby ? ", lobby kept open" : ""}`;
  say(label);
  const base = { target, processes, ...(keepLobby ? { keepLobby } : {}), commands: [] as string[], baseRssBytes: 0, serverProblems: 0 };
  let session: Session;
  try {
    session = current = await Session.open({ name: target, processes, workers: plan.workers, pairlineRoot: options.pairlineRoot, profileDir: options.profileDir, keepLobby });
  } catch (error) {
    const reason = skipReason(error);
    say(`  skipped: ${reason}`);
    return skipped(scenario, { ...base, skipped: reason.slice(0, 300) });
  }
  const info = { ...base, commands: session.commands, baseRssBytes: session.baseRssBytes };
  try {
    switch (scenario) {
      case "capacity":
        return { kind: "capacity", ...info, steps: await runCapacity(session, plan), serverProblems: session.serverProblems() };
      case "throughput":
        return { kind: "throughput", ...info, ...(await runThroughput(session, plan)), serverProblems: session.serverProblems() };
      case "burst":
        return { kind: "burst", ...info, result: await runBurst(session, plan), serverProblems: session.serverProblems() };
      case "signaling":
        return { kind: "signaling", ...info, result: await runSignaling(session, plan), serverProblems: session.serverProblems() };
      case "redis-cost":
        return { kind: "redis-cost", ...info, result: await runRedisCost(session, plan), serverProblems: session.serverProblems() };
      case "churn":
        return { kind: "churn", ...info, steps: await runChurn(session, plan), serverProblems: session.serverProblems() };
    }
  } finally {
    await session.close();
    current = undefined;
  }
}

function skipped(scenario: Scenario, base: TargetRun): ScenarioRun {
  if (scenario === "capacity") return { kind: "capacity", ...base, steps: [] };
  if (scenario === "throughput") return { kind: "throughput", ...base, steps: [] };
  if (scenario === "churn") return { kind: "churn", ...base, steps: [] };
  return { kind: scenario, ...base };
}

/** Each target's burst, `rounds` times over with the targets in turn; each target's rounds become one run (its median round). */
async function burstRounds(rounds: number, targets: TargetName[], run: (target: TargetName) => Promise<ScenarioRun>): Promise<ScenarioRun[]> {
  const byTarget = new Map(targets.map((target) => [target, [] as BurstRun[]]));
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) say(`burst round ${round} of ${rounds}`);
    for (const target of targets) byTarget.get(target)!.push((await run(target)) as BurstRun);
  }
  return targets.map((target) => medianRound(byTarget.get(target)!));
}

async function runAll(options: BenchOptions): Promise<ScenarioRun[]> {
  const runs: ScenarioRun[] = [];
  const single = options.scenarios.filter((s): s is Scenario => s !== "scale-out" && s !== "redis-cost" && s !== "hot-path" && !(SAFETY_SCENARIOS as readonly string[]).includes(s));
  // Baselines first within a scenario, so each Pairline figure has its references from minutes before.
  const order = [...options.targets].reverse();
  for (const scenario of single) {
    for (const flow of options.plan.flows) {
      // Which way the bots hold the lobby costs Pairline the same on either runtime: Bun runs the default flow only.
      const targets = flow === "keep" ? order.filter((t) => t !== "pairline-bun") : order;
      if (scenario === "burst") runs.push(...(await burstRounds(options.plan.burst.rounds, targets, (target) => runOne(options, scenario, target, 1, flow))));
      else for (const target of targets) runs.push(await runOne(options, scenario, target, 1, flow));
    }
  }
  if (options.scenarios.includes("hot-path")) runs.push(...(await runHotPath(options)));
  if (options.scenarios.includes("scale-out")) {
    // Pairline scales out the same on either runtime; Node's figures stand for both.
    const scaled = order.filter((t) => t !== "bare-ws" && t !== "pairline-bun");
    const processes = options.plan.scaleOut.processes;
    for (const scenario of ["capacity", "throughput"] as const) {
      for (const target of scaled) runs.push(await runOne(options, scenario, target, processes));
    }
    runs.push(...(await burstRounds(options.plan.burst.rounds, scaled, (target) => runOne(options, "burst", target, processes))));
  }
  if (options.scenarios.includes("redis-cost") && options.targets.includes("pairline")) {
    runs.push(await runOne(options, "redis-cost", "pairline", options.plan.scaleOut.processes));
  }
  return runs;
}

/** The earlier results with the fresh runs in place of the same scenario, target and process count. */
function updated(earlier: BenchResults, fresh: BenchResults, argv: string[]): BenchResults {
  const same = (a: ScenarioRun, b: ScenarioRun) => a.kind === b.kind && a.target === b.target && a.processes === b.processes && !!a.keepLobby === !!b.keepLobby;
  const replaced = earlier.runs.map((run) => fresh.runs.find((f) => same(run, f)) ?? run);
  const added = fresh.runs.filter((f) => !earlier.runs.some((run) => same(run, f)));
  return {
    ...earlier,
    loadAverageAfter: fresh.loadAverageAfter,
    durationSeconds: earlier.durationSeconds + fresh.durationSeconds,
    command: `${earlier.command}, then npm run bench -- ${argv.join(" ")} (at ${fresh.machine.date.slice(11, 16)} UTC, commit ${fresh.machine.commit})`,
    runs: [...replaced, ...added],
    safety: mergeSafety(earlier.safety, fresh.safety ?? null),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ROOT);
  if (options.reportFrom) {
    const results = JSON.parse(fs.readFileSync(options.reportFrom, "utf8")) as BenchResults;
    writeReport(results, options.reportPath, options.assetsDir, ROOT);
    say(`report rebuilt: ${path.relative(process.cwd(), options.reportPath)}`);
    return;
  }
  killAllOnExit();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping`);
      void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const deadline = setTimeout(() => {
    say("deadline reached: stopping");
    void (current?.close() ?? Promise.resolve()).finally(() => process.exit(2));
  }, DEADLINE_MS[options.plan.mode]);
  deadline.unref();

  const startedAt = Date.now();
  say(`${options.plan.mode} run: ${options.scenarios.join(", ")} on ${options.targets.join(", ")}; ${options.plan.workers} bot workers`);
  const machineBefore = describeMachine(ROOT, options.pairlineRoot);
  // A deployed server finds Node's compile cache warm on every start but a machine's first (src/main.js); so does the bench.
  if (options.targets.includes("pairline")) await (await launchTarget({ name: "pairline", processes: 1, pairlineRoot: options.pairlineRoot })).stop();
  const runs = await runAll(options);
  const safety = await runSafety(options, machineBefore.commit);
  const fresh: BenchResults = {
    plan: options.plan,
    machine: machineBefore,
    loadAverageAfter: describeMachine(ROOT, options.pairlineRoot).loadAverage,
    durationSeconds: (Date.now() - startedAt) / 1000,
    command: `npm run bench${options.plan.mode === "quick" ? " -- --quick" : ""}`,
    runs,
    ...(safety ? { safety } : {}),
  };
  const results = options.update ? updated(JSON.parse(fs.readFileSync(options.update, "utf8")) as BenchResults, fresh, process.argv.slice(2)) : fresh;
  writeReport(results, options.reportPath, options.assetsDir, ROOT);
  say(`done in ${Math.round(fresh.durationSeconds)} s: ${path.relative(process.cwd(), options.reportPath)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    say(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    void (current?.close() ?? Promise.resolve()).finally(() => process.exit(1));
  },
);
