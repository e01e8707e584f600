import type { CpuUsage } from "../metrics/cpu-meter.ts";
import { ratiosByRound, spreadOf, type Spread } from "../metrics/rounds.ts";
import type { HotPathRound, HotPathRun, ScenarioRun } from "../run/results.ts";
import { HOT_PATH_TARGETS } from "../run/scenarios/hot-path.ts";
import { TARGET_TITLES, TARGETS, type TargetName } from "../targets/launch.ts";
import { int, pct, table } from "./format.ts";

/** The goal of issue #19 for both figures: at most this many times bare Colyseus's CPU. */
export const HOT_PATH_GOAL_RATIO = 1.2;

interface Figure {
  pick: (r: HotPathRound) => number;
  /** A value in the figure's unit, as a number. */
  show: (value: number) => string;
  unit: string;
  /** Where the CPU went in the phase it is measured over. */
  phase: (r: HotPathRound) => CpuUsage;
}
const PER_MESSAGE: Figure = { pick: (r) => r.messageUs, show: (us) => us.toFixed(1), unit: " µs", phase: (r) => r.chatCpu };
const PER_JOIN: Figure = { pick: (r) => r.joinUs, show: (us) => (us / 1000).toFixed(2), unit: " ms", phase: (r) => r.joinCpu };
const RATIO = { show: (x: number) => x.toFixed(2), unit: "×" };

const runsIn = (runs: ScenarioRun[], keepLobby: boolean) =>
  runs.filter((r): r is HotPathRun => r.kind === "hot-path" && r.processes === 1 && !!r.keepLobby === keepLobby && !r.skipped && r.rounds.length > 0);
const byRound = (run: HotPathRun | undefined, figure: Figure) => new Map((run?.rounds ?? []).map((r) => [r.round, figure.pick(r)]));
/** The median, and the lowest and highest round in brackets. */
const spreadCell = (s: Spread | undefined, f: { show: (v: number) => string; unit: string }) =>
  s ? `${f.show(s.median)}${f.unit}${s.rounds > 1 ? ` (${f.show(s.min)}–${f.show(s.max)})` : ""}` : "–";

/** One figure of one flow: each target's rounds, and the per-round ratios Pairline ÷ bare Colyseus and Bun ÷ Node. */
function figureOf(runs: ScenarioRun[], keepLobby: boolean, figure: Figure) {
  const found = runsIn(runs, keepLobby);
  const run = (t: TargetName) => found.find((r) => r.target === t);
  const values = (t: TargetName) => [...byRound(run(t), figure).values()];
  return {
    spread: (t: TargetName) => spreadOf(values(t)),
    ratio: spreadOf(ratiosByRound(byRound(run("pairline"), figure), byRound(run("bare-colyseus"), figure))),
    bunRatio: spreadOf(ratiosByRound(byRound(run("pairline-bun"), figure), byRound(run("pairline"), figure))),
  };
}

/** The summary's rows of one client flow: medians over the rounds, the median of the per-round ratios, and the verdict on it. */
export function hotPathSummaryRows(runs: ScenarioRun[], keepLobby: boolean): string[][] {
  const sizes = runsIn(runs, keepLobby)[0]?.sizes;
  const rounds = Math.max(0, ...runsIn(runs, keepLobby).map((r) => r.rounds.length));
  const median = rounds > 0 ? `, median of ${rounds} interleaved round${rounds === 1 ? "" : "s"}` : "";
  const rows: Array<[string, Figure]> = [
    [`(k) server CPU per relayed message${sizes ? ` at ${int(sizes.clients)} clients × ${sizes.perClient} msg/s` : ""}${median}`, PER_MESSAGE],
    [`(k) server CPU per join (token, lobby, match, chat seat)${sizes ? ` at ${int(sizes.joinsPerSecond)} joins/s` : ""}${median}`, PER_JOIN],
  ];
  return rows.map(([label, figure]) => {
    const f = figureOf(runs, keepLobby, figure);
    const met = f.ratio === undefined ? "–" : f.ratio.median <= HOT_PATH_GOAL_RATIO ? "**yes**" : "no";
    return [label, `≤ ${HOT_PATH_GOAL_RATIO}× bare Colyseus`, ...TARGETS.map((t) => spreadCell(f.spread(t), figure)), spreadCell(f.ratio, RATIO), spreadCell(f.bunRatio, RATIO), met];
  });
}

/** A table of one figure in one flow: a row per round, then the medians. */
function roundsTable(found: HotPathRun[], figure: Figure): string {
  const targets = HOT_PATH_TARGETS.filter((t) => found.some((r) => r.target === t));
  const run = (t: TargetName) => found.find((r) => r.target === t);
  const rounds = [...new Set(found.flatMap((r) => r.rounds.map((x) => x.round)))].sort((a, b) => a - b);
  const rows = rounds.map((round) => {
    const of = (t: TargetName) => run(t)?.rounds.find((r) => r.round === round);
    const load = found.flatMap((r) => r.rounds.filter((x) => x.round === round).map((x) => x.loadAverage));
    const [pairline, bare] = [of("pairline"), of("bare-colyseus")];
    return [
      String(round),
      `${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
      ...targets.map((t) => {
        const r = of(t);
        if (!r) return "–";
        const behind = figure === PER_MESSAGE && r.missed > 0 ? `, ${int(r.missed)} sends missed` : "";
        return `${figure.show(figure.pick(r))}${figure.unit} (server ${pct(figure.phase(r).server)}, other ${pct(figure.phase(r).other)}${behind})`;
      }),
      pairline && bare && figure.pick(bare) > 0 ? `${RATIO.show(figure.pick(pairline) / figure.pick(bare))}${RATIO.unit}` : "–",
    ];
  });
  const f = figureOf(found, !!found[0]?.keepLobby, figure);
  rows.push(["**median**", "", ...targets.map((t) => `**${spreadCell(f.spread(t), figure)}**`), `**${spreadCell(f.ratio, RATIO)}**`]);
  return table(["round", "load average", ...targets.map((t) => TARGET_TITLES[t]), "Pairline ÷ bare Colyseus"], rows);
}

/** The Method's bullet on (k), with the sizes its runs had; none when it did not run. */
export function hotPathMethod(runs: ScenarioRun[]): string[] {
  const sizes = runs.find((r): r is HotPathRun => r.kind === "hot-path" && !!r.sizes)?.sizes;
  if (!sizes) return [];
  return [
    `- **CPU per message and per join (k).** The machine's load changes between minutes, and with it what a CPU-second buys; so these figures come from rounds: in each round every target is started fresh, in turn (the order reversed every other round), in each client flow, and a ratio to bare Colyseus is taken between the runs of the same round before the median is taken over the rounds. In each run ${int(sizes.clients)} clients join at ${int(sizes.joinsPerSecond)} joins/s (guest token, lobby, match, chat seat; then they leave the lobby, or keep it open) and are all seated: the server's CPU time over that ramp, read from \`/proc\`, divided by the clients is the *CPU per join*. After ${sizes.idleMs / 1000} s idle (the idle CPU rate is measured), every client sends ${sizes.perClient} messages/s of ${sizes.messageLength} characters (acknowledged, and signed by Pairline) for ${sizes.warmupMs / 1000} s of warm-up, then ${sizes.chatMs / 1000} s measured: the server's CPU time over that window and the half second after it, less the idle rate, divided by the messages sent, is the *CPU per relayed message*. The bots run in the bench's own process.`,
  ];
}

export function hotPathSection(runs: ScenarioRun[]): string {
  const all = runs.filter((r): r is HotPathRun => r.kind === "hot-path");
  const sizes = all.find((r) => r.sizes)?.sizes;
  const lines = ["## (k) Server CPU per relayed message and per join, in interleaved rounds", ""];
  if (all.length === 0 || !sizes) return [...lines, "Not measured in this run."].join("\n");
  lines.push(
    `How it is measured: see *Method* above. Each run's server CPU per join and per relayed message, with in brackets the server's CPU (percent of a core) during the phase, what the rest of the machine used meanwhile, and the sends the bots were too busy to make, if any; the load average is the 1-minute one as each target of the round started. The summary's rows and their verdict (≤ ${HOT_PATH_GOAL_RATIO}× bare Colyseus) are the medians below.`,
  );
  for (const keepLobby of [false, true]) {
    const found = all.filter((r) => !!r.keepLobby === keepLobby && !r.skipped && r.rounds.length > 0);
    const skipped = all.filter((r) => !!r.keepLobby === keepLobby && r.skipped);
    if (found.length === 0 && skipped.length === 0) continue;
    lines.push("", `### ${keepLobby ? "Clients keep the lobby open while chatting" : "Clients leave the lobby once seated"}`, "");
    for (const run of skipped) lines.push(`${TARGET_TITLES[run.target]} not run: ${run.skipped}`, "");
    if (found.length === 0) continue;
    lines.push("Server CPU per relayed message:", "", roundsTable(found, PER_MESSAGE), "");
    lines.push("Server CPU per join:", "", roundsTable(found, PER_JOIN));
  }
  return lines.join("\n");
}
