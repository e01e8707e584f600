import type { LoopLag } from "../bots/commands.ts";
import type { CpuUsage } from "../metrics/cpu-meter.ts";
import type { LatencySummary } from "../metrics/histogram.ts";
import type { TargetName } from "../targets/launch.ts";
import type { HotPathSample, HotPathSizes } from "./hot-path-probe.ts";
import type { RedisCostResult } from "./scenarios/redis-cost.ts";

/** What the machine spent over a phase, and whether the generator kept up. */
export interface PhaseCost {
  seconds: number;
  cpu: CpuUsage;
  /** The worst bot worker's event-loop delay. */
  generatorLag: LoopLag;
}

export interface RampResult extends PhaseCost {
  clients: number;
  /** Joins asked for per second, and achieved (token + lobby, over the ramp's duration). */
  targetPerSecond: number;
  achievedPerSecond: number;
  failed: number;
  token: LatencySummary;
  lobby: LatencySummary;
  match: LatencySummary;
  /** Failures and server errors the bots saw, by kind. */
  problems: Record<string, number>;
}

export interface ChatWindow extends PhaseCost {
  /** The id its messages carried. */
  window: number;
  clients: number;
  /** Messages per second per client asked of the bots. */
  perClient: number;
  offeredPerSecond: number;
  sentPerSecond: number;
  deliveredPerSecond: number;
  sent: number;
  received: number;
  /** Sent but never received (by the end of the scenario). */
  lost: number;
  /** Sends the generator was too busy to make. */
  missed: number;
  latency: LatencySummary;
  ackRtt: LatencySummary;
  serverRssBytes: number;
  problems: Record<string, number>;
}

export interface CapacityStep {
  clients: number;
  ramp: RampResult;
  /** Server RSS with every client connected and paired, before any chat traffic. */
  idleRssBytes: number;
  serverFds: number;
  steady: ChatWindow;
}

export interface BurstResult {
  clients: number;
  ramp: RampResult;
  requested: number;
  matched: number;
  pairs: number;
  /** From the go signal to the last bot seated. */
  seconds: number;
  pairsPerSecond: number;
  timeToMatch: LatencySummary;
  /** Request → `user:matched` received: the part of the time to match spent before the seat is taken. */
  timeToNotice: LatencySummary;
  /** From the go signal until every bot was seated. */
  cost: PhaseCost;
  problems: Record<string, number>;
}

export interface SignalingResult {
  clients: number;
  ramp: RampResult;
  calls: { started: number; finished: number; setup: LatencySummary; iceExpected: number; iceReceived: number; cost: PhaseCost };
  reconnects: { started: number; finished: number; time: LatencySummary; cost: PhaseCost };
  skips: { started: number; finished: number; rematch: LatencySummary; cost: PhaseCost };
  problems: Record<string, number>;
}

/** One step of the churn scenario: every pair ends after `periodMs` of chat, one side skipping, and both look for the next stranger. */
export interface ChurnStep {
  clients: number;
  periodMs: number;
  /** Clients added to reach this step. */
  ramp: RampResult;
  /** Skips sent while the step ran (warm-up and measured window). */
  skips: number;
  /** Pairs formed again within the measured window (two clients seated in their next chat each). */
  rematches: number;
  rematchesPerSecond: number;
  /** What the bots ask for when the server keeps up: every pair once per period. */
  offeredPerSecond: number;
  /** Skip sent → the skipper seated in its next chat with its partner known; skips of the window and those still in flight at its end. */
  skipToChat: LatencySummary;
  /** Both sides: skip or `partner:left` → seated in the next chat. */
  rematch: LatencySummary;
  /** Clients still not seated again when the bots gave up waiting after the step. */
  unfinished: number;
  /** Of those, the ones waiting only for each other: partners of a moment ago, kept apart by the re-match cooldown (absent in older results: 0). */
  heldApart: number;
  /** CPU over the measured window. */
  cost: PhaseCost;
  problems: Record<string, number>;
}

export interface TargetRun {
  target: TargetName;
  processes: number;
  /** The bots kept their lobby open while chatting (absent in results from before both flows ran: they left it). */
  keepLobby?: boolean;
  commands: string[];
  /** RSS of the freshly started server(s), before any client. */
  baseRssBytes: number;
  /** Set when the target could not be run in this configuration, with the reason. */
  skipped?: string;
  serverProblems: number;
}

export interface CapacityRun extends TargetRun {
  kind: "capacity";
  steps: CapacityStep[];
}
export interface ThroughputRun extends TargetRun {
  kind: "throughput";
  ramp?: RampResult;
  steps: ChatWindow[];
}
export interface BurstRun extends TargetRun {
  kind: "burst";
  /** The median round by pairs/s (see `rounds`). */
  result?: BurstResult;
  /** Every round run, in order, the median one included. */
  rounds?: BurstRound[];
}

/** One round of a burst, as the report compares them. */
export interface BurstRound {
  pairsPerSecond: number;
  p99: number;
  serverCpuMsPerPair: number;
}
export interface SignalingRun extends TargetRun {
  kind: "signaling";
  result?: SignalingResult;
}
export interface RedisCostRun extends TargetRun {
  kind: "redis-cost";
  result?: RedisCostResult;
}

export interface ChurnRun extends TargetRun {
  kind: "churn";
  steps: ChurnStep[];
}
/** One fresh server per round; the rounds of every target interleave. */
export interface HotPathRound extends HotPathSample {
  round: number;
}
export interface HotPathRun extends TargetRun {
  kind: "hot-path";
  sizes?: Omit<HotPathSizes, "keepLobby">;
  rounds: HotPathRound[];
}
export type ScenarioRun = CapacityRun | ThroughputRun | BurstRun | SignalingRun | ChurnRun | RedisCostRun | HotPathRun;
