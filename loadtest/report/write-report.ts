import fs from "node:fs";
import path from "node:path";
import type { Plan } from "../run/plan.ts";
import type { BurstRun, ChatWindow, ChurnRun, PhaseCost, RampResult, ScenarioRun, SignalingRun } from "../run/results.ts";
import { TARGET_TITLES, TARGETS, type TargetName } from "../targets/launch.ts";
import { capacityChart, throughputChart } from "./charts.ts";
import { CAPACITY_SOCKET_BUDGET } from "../run/scenarios/capacity.ts";
import { serverCpuMsPerPair } from "../run/scenarios/burst.ts";
import { keyFigures, limitOf, msPerRematch, type KeyFigures } from "./figures.ts";
import { int, kb, mb, ms, pct, ratio, table } from "./format.ts";
import type { Machine } from "./machine.ts";
import { hotPathMethod, hotPathSection, hotPathSummaryRows } from "./hot-path-section.ts";
import { redisCostSection } from "./redis-cost-section.ts";
import { safetySection } from "./safety-section.ts";
import type { SafetyResults } from "../run/safety.ts";
import { soakSection } from "./soak-section.ts";

export interface BenchResults {
  plan: Plan;
  machine: Machine;
  loadAverageAfter: number[];
  durationSeconds: number;
  command: string;
  runs: ScenarioRun[];
  /** Image screening and guest-challenge figures (`--only screening,challenge`). */
  safety?: SafetyResults;
}

const FINDINGS = path.join(import.meta.dirname, "../profile-findings.md");
const FLOW_TITLES = { leave: "Clients leave the lobby once seated", keep: "Clients keep the lobby open while chatting" };
const title = (run: ScenarioRun) => `${TARGET_TITLES[run.target]}${run.processes > 1 ? `, ${run.processes} processes + Redis` : ""}${run.keepLobby ? ", lobby kept open" : ""}`;
const of = <K extends ScenarioRun["kind"]>(runs: ScenarioRun[], kind: K) => runs.filter((r) => r.kind === kind) as Array<Extract<ScenarioRun, { kind: K }>>;
const cpuCells = (c: PhaseCost) => [pct(c.cpu.server), pct(c.cpu.generator), pct(c.cpu.other), ms(c.generatorLag.p99)];
const CPU_HEADER = ["server CPU", "bots CPU", "other CPU", "bot loop lag p99 (ms)"];
/** Server CPU time per delivered message, everything the server does in that window included. */
const usPerMessage = (w: ChatWindow) => (w.deliveredPerSecond > 0 ? ((w.cpu.server / 100) * 1e6) / w.deliveredPerSecond : 0);

function problemsLine(problems: Record<string, number>): string {
  const entries = Object.entries(problems).filter(([name]) => name !== "calls started" && name !== "ice candidates received");
  return entries.length === 0 ? "none" : entries.map(([name, n]) => `${name}: ${int(n)}`).join("; ");
}

/** (a) as a table cell: the best step that met the goal, "≥" when no larger one was tried, or the first failure. */
/** Clients still waiting after a churn step, and how many of them only for their last partner. */
const notSeated = ({ unfinished, heldApart }: { unfinished: number; heldApart: number }) =>
  `${int(unfinished)} not seated again${heldApart ? `, ${int(heldApart)} held apart from their last partner` : ""}`;

function capacityCell(f: KeyFigures): string | undefined {
  if (!f.capacity) return undefined;
  if (!f.capacity.window) return `none: p99 ${ms(f.capacity.failed?.latency.p99 ?? 0)} ms at ${int(f.capacity.failed?.clients ?? 0)}`;
  return `${f.capacity.saturated ? "" : "≥ "}${int(f.capacity.clients)} (p99 ${ms(f.capacity.p99)} ms)`;
}

/** (b) as a table cell, the same way. */
function throughputCell(f: KeyFigures): string | undefined {
  if (!f.throughput) return undefined;
  if (!f.throughput.window) return `none: p99 ${ms(f.throughput.failed?.latency.p99 ?? 0)} ms at ${int(f.throughput.failed?.offeredPerSecond ?? 0)} offered`;
  return `${f.throughput.saturated ? "" : "≥ "}${int(f.throughput.delivered)} (p99 ${ms(f.throughput.p99)} ms)`;
}

/** The summary's one-process rows for one client flow. */
function flowRows(results: BenchResults, keepLobby: boolean): string[][] {
  const { plan, runs } = results;
  const figures = Object.fromEntries(TARGETS.map((t) => [t, keyFigures(runs, t, 1, plan, keepLobby)])) as Record<TargetName, KeyFigures>;
  const p = figures.pairline;
  const b = figures["bare-colyseus"];
  const bun = figures["pairline-bun"];
  const cell = (f: KeyFigures, pick: (f: KeyFigures) => string | undefined) => pick(f) ?? "–";
  const capacity = capacityCell;
  const throughput = throughputCell;
  const pairs = (f: KeyFigures) => f.burst && `${int(f.burst.pairsPerSecond)}${f.burst.unmatched ? ` (${f.burst.unmatched} unmatched)` : ""}`;
  const ttm = (f: KeyFigures) => f.burst && `${ms(f.burst.p50)} / ${ms(f.burst.p99)} ms`;
  const memory = (f: KeyFigures) => f.memory && `${kb(f.memory.perClient)} KB`;
  const met = (ok: boolean | undefined) => (ok === undefined ? "–" : ok ? "**yes**" : "no");
  const rematches = (f: KeyFigures) => f.churn && `${f.churn.rematchesPerSecond.toFixed(1)} of ${f.churn.offeredPerSecond.toFixed(0)} asked`;
  const skipToChat = (f: KeyFigures) => f.churn && `${ms(f.churn.p50)} / ${ms(f.churn.p99)} ms${f.churn.unfinished ? ` (${notSeated(f.churn)})` : ""}`;
  const churnAt = p.churn ?? b.churn;
  const churnLabel = churnAt ? `${int(churnAt.clients)} clients, a skip every ${(plan.churn?.periodMs ?? 0) / 1000} s per pair` : "churn";
  return [
    ["(a) clients at 1 msg/s each, p99 < 100 ms", "≥ 5,000", ...TARGETS.map((t) => cell(figures[t], capacity)), ratio(p.capacity?.clients ?? 0, b.capacity?.clients ?? 0), ratio(bun.capacity?.clients ?? 0, p.capacity?.clients ?? 0), met(p.capacity && p.capacity.clients >= 5000)],
    ["(b) delivered msg/s at 1,000 clients, p99 < 100 ms", "≥ 30,000", ...TARGETS.map((t) => cell(figures[t], throughput)), ratio(p.throughput?.delivered ?? 0, b.throughput?.delivered ?? 0), ratio(bun.throughput?.delivered ?? 0, p.throughput?.delivered ?? 0), met(p.throughput && p.throughput.delivered >= 30000)],
    [`(c) pairs/s, ${int(plan.burst.clients)} ask at once`, "≥ 1,000", ...TARGETS.map((t) => cell(figures[t], pairs)), ratio(p.burst?.pairsPerSecond ?? 0, b.burst?.pairsPerSecond ?? 0), ratio(bun.burst?.pairsPerSecond ?? 0, p.burst?.pairsPerSecond ?? 0), met(p.burst && p.burst.pairsPerSecond >= 1000)],
    ["(c) time to match p50 / p99", "p99 < 2 s", ...TARGETS.map((t) => cell(figures[t], ttm)), ratio(p.burst?.p99 ?? 0, b.burst?.p99 ?? 0), ratio(bun.burst?.p99 ?? 0, p.burst?.p99 ?? 0), met(p.burst && p.burst.p99 < 2000 && p.burst.unmatched === 0)],
    ["(d) server RSS per connected client", "≤ 25 KB", ...TARGETS.map((t) => cell(figures[t], memory)), ratio(p.memory?.perClient ?? 0, b.memory?.perClient ?? 0), ratio(bun.memory?.perClient ?? 0, p.memory?.perClient ?? 0), met(p.memory && p.memory.perClient <= 25 * 1024)],
    [`(h) sustained re-matches/s, ${churnLabel}`, "≥ 1.0× bare Colyseus", ...TARGETS.map((t) => cell(figures[t], rematches)), ratio(p.churn?.rematchesPerSecond ?? 0, b.churn?.rematchesPerSecond ?? 0), ratio(bun.churn?.rematchesPerSecond ?? 0, p.churn?.rematchesPerSecond ?? 0), met(p.churn && b.churn && p.churn.rematchesPerSecond >= b.churn.rematchesPerSecond)],
    [`(h) skip → next chat p50 / p99, ${churnLabel}`, "p99 < 1 s", ...TARGETS.map((t) => cell(figures[t], skipToChat)), ratio(p.churn?.p99 ?? 0, b.churn?.p99 ?? 0), ratio(bun.churn?.p99 ?? 0, p.churn?.p99 ?? 0), met(p.churn && p.churn.p99 < 1000 && p.churn.unfinished === p.churn.heldApart)],
    ...hotPathSummaryRows(runs, keepLobby),
  ];
}

/** The summary's rows for several processes (clients leave the lobby once seated). */
function scaleOutRows(results: BenchResults): string[][] {
  const { plan, runs } = results;
  const scaled = Object.fromEntries(TARGETS.map((t) => [t, keyFigures(runs, t, plan.scaleOut.processes, plan)])) as Record<TargetName, KeyFigures>;
  const pairs = (f: KeyFigures) => f.burst && `${int(f.burst.pairsPerSecond)}${f.burst.unmatched ? ` (${f.burst.unmatched} unmatched)` : ""}`;
  const n = plan.scaleOut.processes;
  const scaledCell = (t: TargetName, pick: (f: KeyFigures) => string | undefined) => {
    const skip = runs.find((r) => r.target === t && r.processes === n && r.skipped);
    return pick(scaled[t]) ?? (skip ? "not run (see (e))" : "–");
  };
  return [
    [`(e) (a) with ${n} processes + Redis`, "–", ...TARGETS.map((t) => (t === "bare-ws" || t === "pairline-bun" ? "n/a" : scaledCell(t, capacityCell))), ratio(scaled.pairline.capacity?.clients ?? 0, scaled["bare-colyseus"].capacity?.clients ?? 0), "–", "–"],
    [`(e) (b) with ${n} processes + Redis`, "–", ...TARGETS.map((t) => (t === "bare-ws" || t === "pairline-bun" ? "n/a" : scaledCell(t, throughputCell))), ratio(scaled.pairline.throughput?.delivered ?? 0, scaled["bare-colyseus"].throughput?.delivered ?? 0), "–", "–"],
    [`(e) (c) pairs/s with ${n} processes + Redis`, "–", ...TARGETS.map((t) => (t === "bare-ws" || t === "pairline-bun" ? "n/a" : scaledCell(t, pairs))), ratio(scaled.pairline.burst?.pairsPerSecond ?? 0, scaled["bare-colyseus"].burst?.pairsPerSecond ?? 0), "–", "–"],
  ];
}

function summarySection(results: BenchResults): string {
  const header = ["Figure", "Goal", ...TARGETS.map((t) => TARGET_TITLES[t]), "Pairline ÷ bare Colyseus", "Bun ÷ Node", "Pairline meets goal"];
  const kept = results.runs.some((r) => r.keepLobby);
  return [
    "## Summary",
    "",
    `One process on this ${results.machine.cores}-core machine, server and bots sharing it. "≥" means the largest step the plan tried still met the goal: the figure is a floor, not the limit. Ratios are Pairline ÷ bare Colyseus, and Pairline on Bun ÷ Pairline on Node (for memory and latency, lower is better).`,
    "",
    `**${FLOW_TITLES.leave}** (one socket per chatting client, as Pairline's README and demo page do):`,
    "",
    table(header, [...flowRows(results, false), ...scaleOutRows(results)]),
    ...(kept ? ["", `**${FLOW_TITLES.keep}** (two sockets per client; Pairline on Bun runs the first flow only):`, "", table(header, flowRows(results, true))] : []),
  ].join("\n");
}

function machineSection(results: BenchResults): string {
  const m = results.machine;
  const packages = Object.entries(m.packages).map(([name, v]) => `${name} ${v}`).join(", ");
  return [
    "## Machine and code",
    "",
    `- ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.kernel}; Node ${m.node}; open-file limit ${m.openFileLimit} per process.`,
    `- Shared with other work: load average ${m.loadAverage.join(" / ")} (1/5/15 min) before the run, ${results.loadAverageAfter.join(" / ")} after. The "other CPU" columns show what the rest of the machine used during each measured window.`,
    `- Pairline at commit \`${m.commit}\`${m.dirty ? " (with uncommitted changes in src/ or rooms/)" : ""}; ${packages}.`,
    `- ${results.plan.mode} plan, ${results.plan.workers} bot worker processes, ran ${Math.round(results.durationSeconds / 60)} min on ${m.date.slice(0, 16).replace("T", " ")} UTC.`,
  ].join("\n");
}

function commandsSection(results: BenchResults): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const run of results.runs) {
    const key = `${run.target}/${run.processes}`;
    if (seen.has(key) || run.commands.length === 0) continue;
    seen.add(key);
    lines.push(`# ${title(run)}`, ...run.commands);
  }
  return [
    "## Commands",
    "",
    "```sh",
    `${results.command}            # this report (scenarios in order, a fresh server for each)`,
    "npm run bench -- --quick    # a few minutes, for development",
    "npm run bench -- --help     # options: --only, --targets, --workers, --profile, --report-from",
    "```",
    "",
    "Each scenario starts its server(s) like this (ports are free ones picked at run time; the bench holds each PID and reads its CPU and RSS from `/proc`):",
    "",
    "```sh",
    ...lines,
    "```",
  ].join("\n");
}

function methodSection(plan: Plan, runs: ScenarioRun[]): string {
  const w = plan.window;
  return [
    "## Method",
    "",
    "- **Targets.** *Pairline* is `src/main.js` (`npm start`) as deployed (`NODE_ENV=production`, SQLite store, JWT, validation, rate limiting, metrics), with the per-address limits raised so that one machine's bots are not throttled and logging at `warn` (the default, `http`, writes an access-log line per request); nothing else is changed. With several processes they share the JWT secret, the SQLite file and Redis, as a deployment on one machine does. *bare Colyseus* (`loadtest/targets/bare-colyseus-server.ts`) is Colyseus with the same lobby → chat flow and nothing else: a trusted token, a lobby room that pairs whoever asks, a chat room that stamps, relays and acknowledges, reconnection allowed. *bare ws* (`loadtest/targets/bare-ws-server.ts`) does the same on plain `ws` with JSON frames: the limit of this machine.",
    `- **Bots** (\`loadtest/bots/\`) use the official \`@colyseus/sdk\` for Pairline and bare Colyseus (plain \`ws\` for bare ws; in Node the SDK is given the \`ws\` package it ships as its fallback, cheaper per frame than Node's built-in WebSocket). Each gets a guest token over HTTP, joins the lobby, asks for a partner and takes the seat in its chat room. Then, in the first client flow, it leaves the lobby, as Pairline's README and demo page do, and comes back to it to look for the next stranger (one socket per chatting client, two for the moment of the hand-over); in the second (*lobby kept open*, run when the plan's flows include it) it stays in the lobby while it chats and asks there for the next stranger (two sockets per client). Every one-process scenario runs in both flows, each target in turn; scale-out and Redis cost run the first only. They run in separate worker processes; their CPU and event-loop lag are reported beside every figure, so a reader can tell whether the generator kept up.`,
    `- **Latency** is measured by the receiver: each message carries its send time (\`performance.timeOrigin + performance.now()\`, the same clock in every process of the machine), and the receiving bot subtracts it on arrival. Sender → server → partner, receiving bot's queueing included. The sender also times its \`chat:ack\` (ack RTT).`,
    `- **Windows.** Each rate is sent for ${w.warmupMs / 1000} s of warm-up (not counted), then ${w.measureMs / 1000} s measured; messages are ${plan.messageLength} characters. A message belongs to the window it was sent in, whenever it arrives: a late one counts in its window's latency, and *lost* = sent − received once the scenario is over (stepping decides after a ${w.drainMs / 1000} s pause, when a late message still counts as lost). *Missed* counts sends the bots were too busy to make at the asked rate.`,
    `- **Ramp.** Clients join at ${plan.rampPerSecond} joins/s (a join is a token request, a matchmaking request and a WebSocket, then a second WebSocket for the chat); the ramp is reported apart from the steady state.`,
    "- **Memory** is the server's RSS from `/proc/<pid>/status` with every client connected and paired, after a short idle pause, minus the RSS of the freshly started server, divided by the clients. Pairline is started once before the run, so that Node's compile cache is warm, as on every start of a deployed server but a machine's first.",
    `- **Goal.** A step meets the goal when its p99 is under ${plan.latencyGoalMs} ms and no message was lost. Stepping stops after two failing steps in a row, a p99 over ten times the goal, more than 5% loss or failed joins, or a generator that cannot send at the asked rate.`,
    `- **File descriptors.** The limit is 20,000 per process. A chatting client that left its lobby holds one socket (two while it moves from the lobby to its chat), so N clients cost about N descriptors in the server process and N spread over the bot workers; with the lobby kept open every client holds two, so that flow's (a) leaves out the steps over ${int(CAPACITY_SOCKET_BUDGET / 2)} clients. The "server fds" column shows the count, under the limit at the largest step (${int(Math.max(...plan.capacity.steps))} clients).`,
    ...hotPathMethod(runs),
  ].join("\n");
}

function rampRows(ramp: RampResult): string[] {
  return [
    int(ramp.clients),
    `${int(ramp.achievedPerSecond)} / ${int(ramp.targetPerSecond)}`,
    int(ramp.failed),
    `${ms(ramp.token.p50)} / ${ms(ramp.token.p99)}`,
    `${ms(ramp.lobby.p50)} / ${ms(ramp.lobby.p99)}`,
    ramp.match.count > 0 ? `${ms(ramp.match.p50)} / ${ms(ramp.match.p99)}` : "–",
    pct(ramp.cpu.server),
    pct(ramp.cpu.generator),
  ];
}
/** The ramp that led to each step of a stepped scenario. */
const stepRamps = (steps: Array<{ ramp: RampResult }>) => ["Ramp to each step:", "", table(RAMP_HEADER, steps.map((s) => rampRows(s.ramp))), ""];
const RAMP_HEADER = ["clients added", "joins/s achieved / asked", "failed", "token p50 / p99 (ms)", "lobby join p50 / p99 (ms)", "match p50 / p99 (ms)", "server CPU", "bots CPU"];

/** A heading per run, then its tables, or why it was not run. */
function perRun<R extends ScenarioRun>(runs: R[], tables: (run: R) => string[]): string[] {
  return runs.flatMap((run) => [`### ${title(run)}`, "", ...(run.skipped ? [`Not run: ${run.skipped}`, ""] : tables(run))]);
}

function capacitySection(results: BenchResults, chart: string): string {
  return [
    "## (a) Clients at 1 message/s each",
    "",
    `![p99 latency, server CPU and RSS against connected clients, clients leaving the lobby once seated](${chart})`,
    "",
    ...perRun(of(results.runs, "capacity"), (run) => [
      table(
        ["clients", "delivered msg/s", "p50", "p95", "p99", "max (ms)", "ack RTT p99", "lost", "idle RSS (MB)", "server fds", ...CPU_HEADER, "server CPU µs/msg"],
        run.steps.map((s) => [
          int(s.clients), int(s.steady.deliveredPerSecond), ms(s.steady.latency.p50), ms(s.steady.latency.p95), `**${ms(s.steady.latency.p99)}**`, ms(s.steady.latency.max),
          ms(s.steady.ackRtt.p99), int(s.steady.lost), mb(s.idleRssBytes), int(s.serverFds), ...cpuCells(s.steady), int(usPerMessage(s.steady)),
        ]),
      ),
      "",
      ...stepRamps(run.steps),
    ]),
  ].join("\n");
}

function throughputSection(results: BenchResults, chart: string): string {
  return [
    `## (b) Messages per second at ${int(results.plan.throughput.clients)} clients`,
    "",
    `![p99 latency, delivered rate and server CPU against offered rate, clients leaving the lobby once seated](${chart})`,
    "",
    ...perRun(of(results.runs, "throughput"), (run) => [
      table(
        ["msg/s per client", "offered msg/s", "delivered msg/s", "p50", "p95", "p99", "max (ms)", "ack RTT p99", "lost", "missed", ...CPU_HEADER, "server CPU µs/msg"],
        run.steps.map((s) => [
          String(s.perClient), int(s.offeredPerSecond), `**${int(s.deliveredPerSecond)}**`, ms(s.latency.p50), ms(s.latency.p95), `**${ms(s.latency.p99)}**`, ms(s.latency.max),
          ms(s.ackRtt.p99), int(s.lost), int(s.missed), ...cpuCells(s), int(usPerMessage(s)),
        ]),
      ),
      "",
      ...(run.ramp ? ["Ramp:", "", table(RAMP_HEADER, [rampRows(run.ramp)]), ""] : []),
    ]),
  ].join("\n");
}

const roundsCell = (run: BurstRun) =>
  (run.rounds ?? []).map((r) => `${int(r.pairsPerSecond)} (${ms(r.p99)}, ${ms(r.serverCpuMsPerPair)})`).join("; ") || "–";

function burstSection(results: BenchResults): string {
  const runs = of(results.runs, "burst");
  const rows = runs.map((run: BurstRun) => {
    const r = run.result;
    if (!r) return [title(run), `not run: ${run.skipped ?? "no result"}`, ...Array<string>(16).fill("")];
    return [
      title(run), int(r.requested), int(r.pairs), int(r.requested - r.matched), r.seconds.toFixed(2), `**${int(r.pairsPerSecond)}**`,
      ms(r.timeToMatch.p50), ms(r.timeToMatch.p95), `**${ms(r.timeToMatch.p99)}**`, ms(r.timeToMatch.max),
      r.timeToNotice ? `${ms(r.timeToNotice.p50)} / ${ms(r.timeToNotice.p99)}` : "–", ...cpuCells(r.cost),
      r.pairs > 0 ? ms(serverCpuMsPerPair(r)) : "–",
      roundsCell(run),
    ];
  });
  return [
    `## (c) ${int(results.plan.burst.clients)} clients ask for a partner at the same instant`,
    "",
    "Everyone joins the lobby first (not timed here); then every bot sends `user:match` at one agreed wall-clock instant. Time to match runs from a bot's request to its chat room being joined (`consumeSeatReservation` resolved). Pairs/s is the pairs formed divided by the time from the signal to the last bot seated. The `user:matched` column is the part of the wait before the seat is taken (the server's matching); the rest is taking the seat (a WebSocket and a join).",
    "",
    `One burst swings by a third from one run to the next on this machine, so each target runs ${results.plan.burst.rounds ?? 1} round(s), the targets in turn, each on a fresh server; a row is the median round by pairs/s, and the last column lists every round.`,
    "",
    table(["target", "asked", "pairs", "unmatched", "seconds", "pairs/s", "p50", "p95", "p99", "max (ms)", "`user:matched` p50 / p99 (ms)", ...CPU_HEADER, "server CPU ms/pair", "every round: pairs/s (p99 ms, CPU ms/pair)"], rows),
  ].join("\n");
}

function memorySection(results: BenchResults): string {
  const rows: string[][] = [];
  for (const run of of(results.runs, "capacity")) {
    if (run.skipped) continue;
    const f = keyFigures(results.runs, run.target, run.processes, results.plan, !!run.keepLobby).memory;
    if (!f) continue;
    const last = run.steps.at(-1)!;
    rows.push([title(run), mb(run.baseRssBytes), int(last.clients), mb(last.idleRssBytes), `**${kb(f.perClient)}**`, kb(f.slope)]);
  }
  return [
    "## (d) Server memory per connected client",
    "",
    `Each client is paired and holds its chat seat (one socket; it left the lobby once seated), or, with the lobby kept open, a lobby seat and a chat seat (two sockets). RSS is what the kernel reports, garbage not yet collected included; with several processes it is their sum, Redis included.`,
    "",
    table(["target", "empty server RSS (MB)", "clients", "RSS with all paired (MB)", "KB per client above empty", "KB per client, first → last step"], rows),
  ].join("\n");
}

function scaleOutSection(results: BenchResults): string {
  const { plan, runs } = results;
  const n = plan.scaleOut.processes;
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const target of ["pairline", "bare-colyseus"] as const) {
    for (const processes of [1, n]) {
      const skippedRun = runs.find((r) => r.target === target && r.processes === processes && r.skipped);
      if (skippedRun) {
        notes.push(`- **${TARGET_TITLES[target]}, ${processes} processes:** not measured. ${skippedRun.skipped}`);
        continue;
      }
      const f = keyFigures(runs, target, processes, plan);
      if (!f.capacity && !f.throughput && !f.burst) continue;
      rows.push([
        TARGET_TITLES[target], String(processes),
        capacityCell(f) ?? "–",
        throughputCell(f) ?? "–",
        f.burst ? `${int(f.burst.pairsPerSecond)} (p99 ${ms(f.burst.p99)} ms)` : "–",
        f.burst ? ms(f.burst.cpuMsPerPair) : "–",
      ]);
    }
  }
  const pairlineScaled = runs.some((r) => r.target === "pairline" && r.processes === n && !r.skipped);
  return [
    `## (e) ${n} processes and Redis, beside one process`,
    "",
    `Each process listens on its own port with \`PUBLIC_ADDRESS\` set; bots send their HTTP requests to the processes in turn (as nginx would) and the SDK follows each seat reservation to the process that holds the room. Redis is a private \`redis-server\` started for the scenario and stopped after it; its CPU is counted as server CPU. Both processes and the bots share the same ${results.machine.cores} cores, so a second process adds parallelism only where one process was CPU-bound and the machine still had a core to give.`,
    "",
    table(["target", "processes", "(a) clients at 1 msg/s", "(b) delivered msg/s", "(c) pairs/s", "(c) server CPU ms/pair (all processes and Redis)"], rows),
    ...(notes.length > 0 ? ["", ...notes] : []),
    ...(pairlineScaled ? [] : ["", "Pairline's column awaits its scale-out mode: with `REDIS_URL` set this build refuses to start, so the multi-process figures above are the bare Colyseus baseline on `RedisPresence` + `RedisDriver`, which is what Pairline's Redis mode will stand on."]),
  ].join("\n");
}

function signalingSection(results: BenchResults): string {
  const runs = of(results.runs, "signaling");
  const rows = runs.map((run: SignalingRun) => {
    const r = run.result;
    if (!r) return [title(run), `not run: ${run.skipped ?? "no result"}`, "", "", "", "", ""];
    return [
      title(run), int(r.clients),
      `${int(r.calls.finished)}/${int(r.calls.started)}: ${ms(r.calls.setup.p50)} / ${ms(r.calls.setup.p99)}`,
      `${int(r.calls.iceReceived)}/${int(r.calls.iceExpected)}`,
      `${int(r.reconnects.finished)}/${int(r.reconnects.started)}: ${ms(r.reconnects.time.p50)} / ${ms(r.reconnects.time.p99)}`,
      `${int(r.skips.finished)}/${int(r.skips.started)}: ${ms(r.skips.rematch.p50)} / ${ms(r.skips.rematch.p99)}`,
      problemsLine(r.problems),
    ];
  });
  return [
    "## (f) Calls, reconnections and skips",
    "",
    "After pairing, every pair sets up a video call at once: the caller sends a `webrtc:offer` (a Chrome-shaped SDP of about 5 KB) and 6 trickled ICE candidates; the callee answers (about 5 KB) with 6 of its own. *Call setup* runs from the offer sent to the answer received. Then one side of half the pairs loses its chat connection (the SDK's offline close, code 4010) and reconnects by itself (*reconnect*: cut → reconnected). Then one side of half the pairs skips (`chat:leave`); both sides ask for a new partner (*rematch*: skip or `partner:left` → seated in the next chat).",
    "",
    table(["target", "clients", "calls set up: p50 / p99 (ms)", "ICE candidates delivered", "reconnected: p50 / p99 (ms)", "rematched: p50 / p99 (ms)", "problems seen by bots"], rows),
    "",
    "A rematch includes coming back to the lobby (an HTTP matchmaking request and a WebSocket) before asking. Pairline never pairs two users who just left each other (`REMATCH_COOLDOWN`), so when the crowd is small the last skippers can be left waiting for one another; they are counted as not rematched rather than waited for.",
  ].join("\n");
}

function churnSection(results: BenchResults): string {
  const runs = of(results.runs, "churn");
  const churn = results.plan.churn;
  const intro = churn
    ? `Random chat as it is used. Clients are added step by step (${churn.steps.map(int).join(", ")}); at each step every pair chats for ${churn.periodMs / 1000} s, then one side skips (\`chat:leave\`) and both look for the next stranger (the partner on \`partner:left\`), over and over; the first skip of each pair falls at a random point of its first period, so skips are spread evenly. After ${churn.warmupMs / 1000} s of warm-up, ${churn.measureMs / 1000} s are measured. *Re-matches/s* counts pairs formed again within the measured window (two clients seated in their next chat), beside what the bots ask for (every pair once per period, if re-matching took no time). *Skip → next chat* runs from the skip sent to the skipper seated in its next chat room with its partner known, for the skips of the window and those still in flight when it closed; *both sides* adds the partners' wait (\`partner:left\` → seated). *Server CPU per re-match* is the server's CPU time over the window divided by the pairs formed again in it. The baselines, like Pairline, never pair two who just left each other (they remember each user's last partner): when the last two still waiting at the end of a step are each other's last partner, they stay apart, and are counted *held apart* among those not seated again; the goal counts only the others.`
    : "";
  return [
    "## (h) Churn: skipping to the next stranger",
    "",
    ...(runs.length === 0 ? ["Not measured in this run."] : [
      intro,
      "",
      ...perRun(runs, (run: ChurnRun) => [
        table(
          ["clients", "re-matches/s (asked)", "skip → next chat p50", "p95", "p99", "max (ms)", "both sides p99 (ms)", "not seated again", ...CPU_HEADER, "server CPU ms/re-match"],
          run.steps.map((s) => [
            int(s.clients), `**${s.rematchesPerSecond.toFixed(1)}** (${s.offeredPerSecond.toFixed(0)})`, ms(s.skipToChat.p50), ms(s.skipToChat.p95), `**${ms(s.skipToChat.p99)}**`, ms(s.skipToChat.max),
            ms(s.rematch.p99), s.unfinished ? notSeated({ unfinished: s.unfinished, heldApart: s.heldApart ?? 0 }) : "0", ...cpuCells(s.cost), msPerRematch(s).toFixed(2),
          ]),
        ),
        "",
        ...stepRamps(run.steps),
      ]),
    ]),
  ].join("\n");
}

function limitsSection(results: BenchResults): string {
  const { plan, runs, machine } = results;
  const lines = ["## What limits each figure", "", "Read from the CPU columns of the step where a target first missed the goal (or of its best step when it never did): which process ran out of CPU, or whether the bots did.", ""];
  const rows: string[][] = [];
  const configurations = [[1, false], [1, true], [plan.scaleOut.processes, false]] as const;
  for (const target of TARGETS) {
    for (const [processes, keepLobby] of configurations) {
      const f = keyFigures(runs, target, processes, plan, keepLobby);
      const label = `${TARGET_TITLES[target]}${processes > 1 ? ` ×${processes}` : ""}${keepLobby ? ", lobby kept open" : ""}`;
      if (f.capacity) rows.push([label, "(a) clients", f.capacity.saturated ? `missed the goal at the next step: ${limitOf(f.capacity.failed, machine.cores)}` : `not reached within the plan: ${limitOf(f.capacity.window, machine.cores, false)}`]);
      if (f.throughput) rows.push([label, "(b) msg/s", f.throughput.saturated ? `missed the goal at the next step: ${limitOf(f.throughput.failed, machine.cores)}` : `not reached within the plan: ${limitOf(f.throughput.window, machine.cores, false)}`]);
      if (f.burst) rows.push([label, "(c) pairs/s", limitOf(f.burst.cost, machine.cores)]);
      if (f.churn) rows.push([label, "(h) re-matches", limitOf(f.churn.cost, machine.cores, f.churn.p99 >= 1000 || f.churn.unfinished > f.churn.heldApart)]);
    }
  }
  lines.push(table(["target", "figure", "limited by"], rows));
  const fds = of(runs, "capacity").flatMap((run) => run.steps.map((step) => ({ run, step })));
  const most = fds.reduce<(typeof fds)[number] | undefined>((top, x) => (!top || x.step.serverFds > top.step.serverFds ? x : top), undefined);
  if (most) {
    lines.push("", `File descriptors limited nothing: the most open at once in a target's server processes was ${int(most.step.serverFds)} (${title(most.run)}, ${int(most.step.clients)} clients), against a limit of ${machine.openFileLimit} per process.`);
  }
  return lines.join("\n");
}

function problemsSection(results: BenchResults): string {
  const rows = results.runs.filter((r) => !r.skipped).map((run) => {
    const seen: Record<string, number> = {};
    const add = (problems: Record<string, number>) => {
      for (const [k, v] of Object.entries(problems)) seen[k] = (seen[k] ?? 0) + v;
    };
    if (run.kind === "capacity") run.steps.forEach((s) => (add(s.ramp.problems), add(s.steady.problems)));
    if (run.kind === "throughput") [run.ramp?.problems ?? {}, ...run.steps.map((s) => s.problems)].forEach(add);
    if (run.kind === "burst" && run.result) [run.result.ramp.problems, run.result.problems].forEach(add);
    if (run.kind === "signaling" && run.result) [run.result.ramp.problems, run.result.problems].forEach(add);
    if (run.kind === "churn") run.steps.forEach((s) => (add(s.ramp.problems), add(s.problems)));
    return [run.kind, title(run), problemsLine(seen), int(run.serverProblems)];
  });
  return [
    "## Errors and failures",
    "",
    "Everything the bots counted as a failure (failed joins, closed connections, `error` messages from the server), and the warning/error lines each server logged. Nothing is filtered out.",
    "",
    table(["scenario", "target", "seen by bots", "server warning/error lines"], rows),
  ].join("\n");
}

/** Writes BENCHMARKS.md (or the quick report), its charts and the raw results it was made from. */
export function writeReport(results: BenchResults, reportPath: string, assetsDir: string, root: string): void {
  fs.mkdirSync(assetsDir, { recursive: true });
  fs.mkdirSync(path.dirname(reportPath), { recursive: true });
  const link = (file: string) => path.relative(path.dirname(reportPath), path.join(assetsDir, file)).split(path.sep).join("/");
  fs.writeFileSync(path.join(assetsDir, "results.json"), JSON.stringify(results, null, 1));
  fs.writeFileSync(path.join(assetsDir, "capacity.svg"), capacityChart(of(results.runs, "capacity"), results.plan));
  fs.writeFileSync(path.join(assetsDir, "throughput.svg"), throughputChart(of(results.runs, "throughput"), results.plan));
  const findings = fs.existsSync(FINDINGS) ? fs.readFileSync(FINDINGS, "utf8").trim() : "";
  const sections = [
    "# Benchmarks: how many strangers one Pairline process serves",
    "",
    `Generated by \`${results.command}\` (\`loadtest/bench.ts\`); raw results in [\`${link("results.json")}\`](${link("results.json")}), rebuild this file from them with \`npm run bench -- --report-from ${path.relative(root, path.join(assetsDir, "results.json"))}\`.`,
    summarySection(results),
    machineSection(results),
    methodSection(results.plan, results.runs),
    capacitySection(results, link("capacity.svg")),
    throughputSection(results, link("throughput.svg")),
    burstSection(results),
    memorySection(results),
    scaleOutSection(results),
    signalingSection(results),
    churnSection(results),
    ...(of(results.runs, "redis-cost").length > 0 ? [redisCostSection(of(results.runs, "redis-cost"), results.plan)] : []),
    ...(results.safety ? [safetySection(results.safety)] : []),
    hotPathSection(results.runs),
    ...soakSection(assetsDir, link),
    limitsSection(results),
    ...(findings ? [findings] : []),
    problemsSection(results),
    commandsSection(results),
  ];
  fs.writeFileSync(reportPath, sections.join("\n\n") + "\n");
}
