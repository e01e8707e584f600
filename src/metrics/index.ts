import { matchMaker } from "@colyseus/core";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every Prometheus metric of this process, defined once. Rooms, routes and the
 * matchmaker report through the small functions below and never touch prom-client.
 */
export const registry = new Registry();

let collectingProcessMetrics = false;

/**
 * The runtime's own metrics (CPU, memory, event-loop lag, GC), started by the server rather than
 * at import: they watch the event loop and GC for as long as the process lives. Once per process.
 */
export function collectProcessMetrics(): void {
  if (collectingProcessMetrics) return;
  collectingProcessMetrics = true;
  // Unprefixed, under the names stock Node.js dashboards query (process_cpu_seconds_total, nodejs_eventloop_lag_seconds…).
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters fail `promtool check metrics`; `sum(nodejs_active_handles)` etc. give the same totals.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(name);
  }
}

export const ReconnectionOutcome = { Reconnected: "reconnected", TimedOut: "timed_out", Refused: "refused" } as const;
export type ReconnectionOutcome = (typeof ReconnectionOutcome)[keyof typeof ReconnectionOutcome];

/** How a call ended for one side, as its client reports it (`call:outcome`). */
export type CallOutcome = "direct" | "relayed" | "failed";

/** Where a refused payload came from: a REST request or a room message. */
export type ValidationSource = "rest" | "room";

const httpRequests = new Counter({
  name: "pairline_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

const httpDuration = new Histogram({
  name: "pairline_http_request_duration_seconds",
  help: "Time to answer an HTTP request, by method and route pattern",
  labelNames: ["method", "route"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

new Gauge({
  name: "pairline_connected_clients",
  help: "WebSocket clients connected to rooms of this process",
  registers: [registry],
  collect() {
    this.set(matchMaker.stats.local.ccu);
  },
});

const rooms = new Gauge({
  name: "pairline_rooms",
  help: "Rooms alive in this process, by room type",
  labelNames: ["room"] as const,
  registers: [registry],
});

let queueLength: () => Promise<number> = async () => 0;
new Gauge({
  name: "pairline_match_queue_length",
  help: "Users waiting for a partner (the shared queue, seen from this process)",
  registers: [registry],
  async collect() {
    this.set(await queueLength().catch(() => Number.NaN));
  },
});

const matches = new Counter({
  name: "pairline_matches_total",
  help: "Pairs matched by this process",
  registers: [registry],
});

const timeToMatch = new Histogram({
  name: "pairline_time_to_match_seconds",
  help: "How long a user waited in the queue before being matched",
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

const messagesRelayed = new Counter({
  name: "pairline_messages_relayed_total",
  help: "Room messages relayed to a partner, by protocol message type",
  labelNames: ["type"] as const,
  registers: [registry],
});

/** Each message type's child of the counter, looked up once: `inc({ type })` hashes its labels on every message. */
const relayedOfType = new Map<string, Counter.Internal>();

const validationErrors = new Counter({
  name: "pairline_validation_errors_total",
  help: "Requests and room messages refused as invalid, by source",
  labelNames: ["source"] as const,
  registers: [registry],
});

const rateLimited = new Counter({
  name: "pairline_rate_limited_total",
  help: "Requests or messages refused for exceeding a rate limit, by limiter",
  labelNames: ["limiter"] as const,
  registers: [registry],
});

const reconnections = new Counter({
  name: "pairline_reconnections_total",
  help: "Dropped chat participants, by whether they came back within the grace period",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

const calls = new Counter({
  name: "pairline_calls_total",
  help: "WebRTC call outcomes reported by clients (direct, relayed through TURN, failed)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

const challengesIssued = new Counter({
  name: "pairline_guest_challenges_issued_total",
  help: "Proof-of-work challenges issued to would-be guests, by the strikes that raised their difficulty",
  labelNames: ["strikes"] as const,
  registers: [registry],
});

const challengesRefused = new Counter({
  name: "pairline_guest_challenges_refused_total",
  help: "Guest sign-ups refused for their challenge: required (none sent), invalid, expired, used (a replay)",
  labelNames: ["reason"] as const,
  registers: [registry],
});

const challengeSolveTime = new Histogram({
  name: "pairline_guest_challenge_solve_seconds",
  help: "Time to solve a guest challenge: as the client measured it (source=client), else from issue to redeem (source=server)",
  labelNames: ["source"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [registry],
});

const reportsFiled = new Counter({
  name: "pairline_reports_total",
  help: "Reports filed, by whether they quoted verified messages; per 1,000 chats: 1000 * rate(pairline_reports_total) / rate(pairline_matches_total), a match opening one chat",
  labelNames: ["evidence"] as const,
  registers: [registry],
});

const bans = new Counter({
  name: "pairline_bans_total",
  help: "Bans made: automatic (the report threshold) or manual (a moderator)",
  labelNames: ["kind"] as const,
  registers: [registry],
});

const shadowPool = new Gauge({
  name: "pairline_shadow_pool_users",
  help: "Users currently matched only inside the shadow pool",
  registers: [registry],
});

const imagesScreened = new Counter({
  name: "pairline_images_screened_total",
  help: "Uploaded images classified by the image screen",
  registers: [registry],
});

const imagesFlagged = new Counter({
  name: "pairline_images_flagged_total",
  help: "Screened images judged sensitive, by what was done: flagged (delivered blurred) or refused",
  labelNames: ["action"] as const,
  registers: [registry],
});

export type ChallengeRefusal = "required" | "invalid" | "expired" | "used";

export const metrics = {
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    httpRequests.inc({ method, route, status: String(status) });
    httpDuration.observe({ method, route }, seconds);
  },
  /** Keeps the rooms gauge in step with the rooms of one type (a Colyseus `RegisteredHandler`). */
  countRoomsOf(room: string, handler: { on(event: "create" | "dispose", listener: () => void): unknown }): void {
    handler.on("create", () => rooms.inc({ room }));
    handler.on("dispose", () => rooms.dec({ room }));
  },
  /** One pair matched; `waitedMs` holds how long each of the two had been waiting. */
  matched(waitedMs: readonly number[]): void {
    matches.inc();
    for (const ms of waitedMs) timeToMatch.observe(Math.max(0, ms) / 1000);
  },
  messageRelayed(type: string): void {
    let counter = relayedOfType.get(type);
    if (!counter) {
      counter = messagesRelayed.labels({ type });
      relayedOfType.set(type, counter);
    }
    counter.inc();
  },
  validationFailed(source: ValidationSource): void {
    validationErrors.inc({ source });
  },
  rateLimited(limiter: string): void {
    rateLimited.inc({ limiter });
  },
  reconnection(outcome: ReconnectionOutcome): void {
    reconnections.inc({ outcome });
  },
  callReported(outcome: CallOutcome): void {
    calls.inc({ outcome });
  },
  challengeIssued(strikes: number): void {
    challengesIssued.inc({ strikes: String(strikes) });
  },
  challengeRefused(reason: ChallengeRefusal): void {
    challengesRefused.inc({ reason });
  },
  challengeSolved(ms: number, source: "client" | "server"): void {
    challengeSolveTime.observe({ source }, Math.max(0, ms) / 1000);
  },
  reportFiled(withEvidence: boolean): void {
    reportsFiled.inc({ evidence: withEvidence ? "verified" : "none" });
  },
  banned(kind: "automatic" | "manual"): void {
    bans.inc({ kind });
  },
  /** The shadow pool's size, set by whoever keeps the pool. */
  shadowPoolSize(users: number): void {
    shadowPool.set(users);
  },
  imageScreened(): void {
    imagesScreened.inc();
  },
  imageFlagged(action: "flagged" | "refused"): void {
    imagesFlagged.inc({ action });
  },
  /** Tells the queue-length gauge how to read the shared queue at scrape time. */
  measureQueueWith(read: () => Promise<number>): void {
    queueLength = read;
  },
};

/** Rooms alive in this process, by room type. */
export async function roomsByType(): Promise<Record<string, number>> {
  const { values } = await rooms.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.room), v.value]));
}

/** The exposition text for `GET /metrics`. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
