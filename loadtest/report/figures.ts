import type { Plan } from "../run/plan.ts";
import type { BurstRun, CapacityRun, CapacityStep, ChatWindow, ChurnRun, ChurnStep, PhaseCost, ScenarioRun, ThroughputRun } from "../run/results.ts";
import { serverCpuMsPerPair } from "../run/scenarios/burst.ts";
import { meetsGoal } from "../run/scenarios/chat-window.ts";
import type { TargetName } from "../targets/launch.ts";

/** The headline figures of one target in one configuration, read from its runs. */
export interface KeyFigures {
  /** (a) the largest step that met the goal, and whether a bigger one was tried and failed. */
  capacity?: { clients: number; p99: number; saturated: boolean; window?: ChatWindow; failed?: ChatWindow };
  /** (b) the best delivered rate that met the goal. */
  throughput?: { delivered: number; p99: number; saturated: boolean; window?: ChatWindow; failed?: ChatWindow };
  /** (c) */
  burst?: { pairsPerSecond: number; p50: number; p99: number; unmatched: number; cpuMsPerPair: number; cost: PhaseCost };
  /** (d) bytes per client above the empty server, at the largest step; and the slope between first and last step. */
  memory?: { perClient: number; slope: number; clients: number };
  /** (h) the largest step the churn reached. */
  churn?: { clients: number; rematchesPerSecond: number; offeredPerSecond: number; p50: number; p99: number; unfinished: number; heldApart: number; cost: PhaseCost };
}

/** Server CPU time per pair formed again, everything the server did in the window included. */
export function msPerRematch(step: ChurnStep): number {
  return step.rematches > 0 ? ((step.cost.cpu.server / 100) * step.cost.seconds * 1000) / step.rematches : 0;
}

function churnOf(run: ChurnRun): KeyFigures["churn"] {
  const last = run.steps.at(-1);
  if (!last) return undefined;
  return {
    clients: last.clients,
    rematchesPerSecond: last.rematchesPerSecond,
    offeredPerSecond: last.offeredPerSecond,
    p50: last.skipToChat.p50,
    p99: last.skipToChat.p99,
    unfinished: last.unfinished,
    heldApart: last.heldApart ?? 0,
    cost: last.cost,
  };
}

function find<K extends ScenarioRun["kind"]>(runs: ScenarioRun[], kind: K, target: TargetName, processes: number, keepLobby: boolean) {
  return runs.find((r) => r.kind === kind && r.target === target && r.processes === processes && !!r.keepLobby === keepLobby && !r.skipped) as Extract<ScenarioRun, { kind: K }> | undefined;
}

function capacityOf(run: CapacityRun, plan: Plan): KeyFigures["capacity"] {
  const passing = run.steps.filter((s) => meetsGoal(s.steady, plan));
  const best = passing.at(-1);
  const failed = run.steps.find((s) => !meetsGoal(s.steady, plan) && s.clients > (best?.clients ?? 0));
  return { clients: best?.clients ?? 0, p99: best?.steady.latency.p99 ?? 0, saturated: !!failed, window: best?.steady, failed: failed?.steady };
}

function throughputOf(run: ThroughputRun, plan: Plan): KeyFigures["throughput"] {
  const passing = run.steps.filter((s) => meetsGoal(s, plan));
  const best = passing.reduce<ChatWindow | undefined>((top, s) => (!top || s.deliveredPerSecond > top.deliveredPerSecond ? s : top), undefined);
  const failed = run.steps.find((s) => !meetsGoal(s, plan) && s.offeredPerSecond > (best?.offeredPerSecond ?? 0));
  return { delivered: best?.deliveredPerSecond ?? 0, p99: best?.latency.p99 ?? 0, saturated: !!failed, window: best, failed };
}

function burstOf(run: BurstRun): KeyFigures["burst"] {
  const r = run.result;
  if (!r) return undefined;
  return { pairsPerSecond: r.pairsPerSecond, p50: r.timeToMatch.p50, p99: r.timeToMatch.p99, unmatched: r.requested - r.matched, cpuMsPerPair: serverCpuMsPerPair(r), cost: r.cost };
}

function memoryOf(run: CapacityRun): KeyFigures["memory"] {
  const steps: CapacityStep[] = run.steps;
  const last = steps.at(-1);
  const first = steps[0];
  if (!last || !first) return undefined;
  const perClient = (last.idleRssBytes - run.baseRssBytes) / last.clients;
  const slope = last.clients > first.clients ? (last.idleRssBytes - first.idleRssBytes) / (last.clients - first.clients) : perClient;
  return { perClient, slope, clients: last.clients };
}

/** With `keepLobby`, from the runs whose bots kept their lobby open; by default from those whose bots left it. */
export function keyFigures(runs: ScenarioRun[], target: TargetName, processes: number, plan: Plan, keepLobby = false): KeyFigures {
  const capacity = find(runs, "capacity", target, processes, keepLobby);
  const throughput = find(runs, "throughput", target, processes, keepLobby);
  const burst = find(runs, "burst", target, processes, keepLobby);
  const churn = find(runs, "churn", target, processes, keepLobby);
  return {
    capacity: capacity && capacityOf(capacity, plan),
    throughput: throughput && throughputOf(throughput, plan),
    burst: burst && burstOf(burst),
    memory: capacity && memoryOf(capacity),
    churn: churn && churnOf(churn),
  };
}

/** Average CPU from which a single-threaded server stalls in bursts, and the machine's share from which processes wait for a core. */
const SERVER_BUSY = 80;
const MACHINE_BUSY = 0.85;

/** What held a phase back, judged from where the CPU went. */
export function limitOf(cost: PhaseCost | undefined, cores: number, missedGoal = true): string {
  if (!cost) return "–";
  const { server, generator, other, machine } = cost.cpu;
  const full = 100 * cores;
  const reasons: string[] = [];
  if (server >= SERVER_BUSY) reasons.push(`server CPU (${server.toFixed(0)}% of one core on average; its event loop is single-threaded, so bursts queue)`);
  if (cost.generatorLag.p99 >= 50) reasons.push(`generator event loop (lag p99 ${cost.generatorLag.p99.toFixed(0)} ms)`);
  if (machine >= MACHINE_BUSY * full) reasons.push(`machine CPU (${machine.toFixed(0)}% of ${full}%: server ${server.toFixed(0)}%, bots ${generator.toFixed(0)}%, other ${other.toFixed(0)}%)`);
  if (reasons.length > 0) return reasons.join("; ");
  if (!missedGoal) return `none saturated (server ${server.toFixed(0)}%, bots ${generator.toFixed(0)}%, other ${other.toFixed(0)}% CPU)`;
  return `no CPU saturated on average (server ${server.toFixed(0)}%, bots ${generator.toFixed(0)}%, other ${other.toFixed(0)}%): the tail comes from pauses (garbage collection, bursts of work), not from throughput`;
}
