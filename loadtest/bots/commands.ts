import type { StatsSnapshot } from "./bot-stats.ts";
import type { AuthMode } from "./link.ts";

/** How a worker reaches the server under test. */
export interface TargetAddress {
  /** `sdk`: Pairline and bare Colyseus, through `@colyseus/sdk`; `ws`: the bare WebSocket baseline. */
  client: "sdk" | "ws";
  /** HTTP base URLs, one per server process; bots spread their requests over them. */
  endpoints: string[];
  auth: AuthMode;
}

/** What the coordinator asks of a worker; each is answered once, when done. */
export type Command =
  | { op: "connect"; count: number; perSecond: number; match: boolean; keepLobby: boolean }
  | { op: "matchAll"; atEpochMs: number; timeoutMs: number }
  | { op: "awaitPairs"; timeoutMs: number }
  | { op: "chat"; window: number; perSecond: number; durationMs: number; length: number }
  | { op: "call"; timeoutMs: number }
  | { op: "skip"; fraction: number; timeoutMs: number }
  /** For `durationMs`, one side of every pair skips once its chat is `periodMs` old; then waits (up to `timeoutMs`) for everyone to be seated again. */
  | { op: "churn"; periodMs: number; durationMs: number; timeoutMs: number }
  | { op: "drop"; fraction: number; timeoutMs: number }
  | { op: "status" }
  | { op: "take" }
  | { op: "close" };

export interface FleetStatus {
  bots: number;
  lobby: number;
  waiting: number;
  chatting: number;
  closed: number;
}

/** A bot still waiting for its next chat when the churn gave up waiting, and who it chatted with last. */
export interface Stranded {
  userId: string;
  lastPartnerId?: string;
}

/**
 * How many of the stranded are waiting only for each other: two who have just parted, the
 * last two in the queue, whom the server's re-match cooldown keeps apart (as it should).
 */
export function heldApart(stranded: Stranded[]): number {
  const lastPartnerOf = new Map(stranded.map((s) => [s.userId, s.lastPartnerId]));
  return stranded.filter((s) => s.lastPartnerId !== undefined && lastPartnerOf.get(s.lastPartnerId) === s.userId).length;
}

export interface LoopLag {
  p50: number;
  p99: number;
  max: number;
}

export type Reply =
  | { op: "connect"; connected: number; failed: number }
  | { op: "matchAll"; requested: number; matched: number; lastSeatedAt: number }
  | { op: "awaitPairs"; status: FleetStatus }
  | { op: "status"; status: FleetStatus }
  | { op: "close"; status: FleetStatus }
  | { op: "chat"; sent: number; missed: number }
  | { op: "call"; started: number; finished: number }
  | { op: "skip"; started: number; finished: number }
  | { op: "churn"; skips: number; unfinished: Stranded[] }
  | { op: "drop"; started: number; finished: number }
  | { op: "take"; stats: StatsSnapshot; lag: LoopLag };

export type ToWorker = { init: TargetAddress } | { id: number; command: Command };
export type FromWorker = { ready: true } | { id: number; reply: Reply } | { id: number; error: string };
