import type { TargetName } from "../targets/launch.ts";

/** How a client holds its lobby while it chats: `leave` it once seated (Pairline's README and demo page), or `keep` it open (two sockets each). */
export const LOBBY_FLOWS = ["leave", "keep"] as const;
export type LobbyFlow = (typeof LOBBY_FLOWS)[number];

/** How big and how long each scenario runs; `quick` is for development, `full` for the report. */
export interface Plan {
  mode: "quick" | "full";
  /** Targets run when `--targets` is not given. */
  targets: TargetName[];
  /** Whether the multi-process scenarios (scale-out, redis-cost) run when `--only` is not given. */
  scaleOutByDefault: boolean;
  workers: number;
  /** Joins per second while clients are added (a join is a token request, a matchmaking request and a WebSocket). */
  rampPerSecond: number;
  /** The client flows each one-process scenario runs with, one after the other; scale-out and Redis cost run `leave` only. */
  flows: LobbyFlow[];
  /** Characters per chat message (the send time included). */
  messageLength: number;
  /** The latency a step must stay under (p99) to count. */
  latencyGoalMs: number;
  /** A chat window: warm-up (not counted), measured part, and the pause that lets in-flight messages arrive. */
  window: { warmupMs: number; measureMs: number; drainMs: number };
  /** Idle pause after a ramp before the server's memory is read. */
  settleMs: number;
  capacity: { steps: number[]; perClient: number };
  throughput: { clients: number; perClient: number[] };
  /** A single burst swings by a third from one run to the next here: each target runs `rounds` times, interleaved, and the median round is reported. */
  burst: { clients: number; rounds: number };
  signaling: { clients: number };
  /** Clients at each step; every pair chats `periodMs`, then one side skips to the next stranger; a warm-up, then the measured window. */
  churn: { steps: number[]; periodMs: number; warmupMs: number; measureMs: number };
  /** Server processes of the scale-out runs (with Redis). */
  scaleOut: { processes: number };
  /**
   * Redis commands per join, pair and REST request (on the scale-out processes): clients paired, requests per REST read, idle spell;
   * then one enqueue + match against queues of `queueSizes` waiting (`queueOps` measured), and a lobby join beside `driverChats` live chats.
   */
  redisCost: { clients: number; requests: number; idleMs: number; queueSizes: number[]; queueOps: number; driverChats: number[]; driverJoins: number };
  /**
   * Server CPU per join and per relayed message, in `rounds` interleaved rounds (each target started fresh in turn):
   * `clients` join at `joinsPerSecond`, sit idle for `idleMs`, chat for `warmupMs` (not counted), then for `chatMs`.
   */
  hotPath: { rounds: number; clients: number; joinsPerSecond: number; perClient: number; idleMs: number; warmupMs: number; chatMs: number };
}

export const FULL_PLAN: Plan = {
  mode: "full",
  targets: ["pairline", "pairline-bun", "bare-colyseus", "bare-ws"],
  scaleOutByDefault: true,
  workers: 3,
  rampPerSecond: 200,
  flows: ["leave", "keep"],
  messageLength: 64,
  latencyGoalMs: 100,
  window: { warmupMs: 1000, measureMs: 5000, drainMs: 1000 },
  settleMs: 1500,
  capacity: { steps: [1000, 3000, 5000, 6000, 7500, 10000], perClient: 1 },
  throughput: { clients: 1000, perClient: [10, 20, 30, 40, 50, 60] },
  burst: { clients: 2000, rounds: 3 },
  signaling: { clients: 1000 },
  churn: { steps: [500, 1000, 2000], periodMs: 10_000, warmupMs: 2000, measureMs: 10_000 },
  scaleOut: { processes: 2 },
  redisCost: { clients: 400, requests: 50, idleMs: 5000, queueSizes: [1000, 10_000, 100_000], queueOps: 200, driverChats: [10, 10_000], driverJoins: 10 },
  hotPath: { rounds: 3, clients: 1000, joinsPerSecond: 100, perClient: 5, idleMs: 1500, warmupMs: 1000, chatMs: 3500 },
};

/** A few minutes: Pairline against the engine alone, one small step of each in both client flows; `--targets`/`--only` add the rest. */
export const QUICK_PLAN: Plan = {
  mode: "quick",
  targets: ["pairline", "bare-colyseus"],
  scaleOutByDefault: false,
  workers: 2,
  rampPerSecond: 200,
  flows: ["leave", "keep"],
  messageLength: 64,
  latencyGoalMs: 100,
  window: { warmupMs: 300, measureMs: 1500, drainMs: 300 },
  settleMs: 500,
  capacity: { steps: [200], perClient: 1 },
  throughput: { clients: 100, perClient: [10, 40] },
  burst: { clients: 200, rounds: 1 },
  signaling: { clients: 40 },
  churn: { steps: [100], periodMs: 3000, warmupMs: 500, measureMs: 3000 },
  scaleOut: { processes: 2 },
  redisCost: { clients: 100, requests: 20, idleMs: 2000, queueSizes: [1000, 10_000], queueOps: 50, driverChats: [10, 1000], driverJoins: 5 },
  hotPath: { rounds: 2, clients: 300, joinsPerSecond: 100, perClient: 5, idleMs: 1000, warmupMs: 500, chatMs: 2000 },
};
