import type { Plan } from "../run/plan.ts";
import type { RedisCostRun } from "../run/results.ts";
import { PER_PAIR_WEIGHTS, type RedisCostPhase } from "../run/scenarios/redis-cost.ts";
import { driverCostTable } from "../driver-cost.ts";
import { queueCostTable } from "../queue-cost.ts";
import { int, table } from "./format.ts";

/** The pair-flow goal of the shared-state layer: Redis commands per pair, script-internal commands included. */
export const COMMANDS_PER_PAIR_GOAL = 40;
const TOP_SOURCES = 15;

const per = (n: number, p: RedisCostPhase) => n / Math.max(1, p.per.count);
const one = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));
const unitOf = (p: RedisCostPhase) => p.per.unit.replace(/s$/, "");

function wholeCell(p: RedisCostPhase): string {
  const entries = Object.entries(p.wholeReads);
  if (entries.length === 0) return "none";
  return entries.map(([what, w]) => `\`${what}\` ${one(per(w.calls, p))}`).join("; ");
}

/** The commands behind a pair, by command and key: 2 × per join + per pair matched + 2 × per leave. */
function pairSources(phases: RedisCostPhase[]): string[][] {
  const sum = new Map<string, number>();
  phases.forEach((p, i) => {
    const weight = PER_PAIR_WEIGHTS[i]! / Math.max(1, p.per.count);
    for (const [what, calls] of Object.entries(p.byKey)) sum.set(what, (sum.get(what) ?? 0) + calls * weight);
  });
  return [...sum]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_SOURCES)
    .map(([what, calls]) => [`\`${what}\``, one(calls)]);
}

/** (g): Redis commands per join, pair and REST request, and the whole-collection reads among them. */
export function redisCostSection(runs: RedisCostRun[], plan: Plan): string {
  const lines = [
    "## (g) Redis commands per join, pair and request",
    "",
    `Pairline on ${plan.scaleOut.processes} processes and a private Redis; ${int(plan.redisCost.clients)} SDK clients join (guest token + lobby), all ask for a partner at once and take their chat seats (leaving the lobby), then all leave; then each REST read is asked ${int(plan.redisCost.requests)} times with a token. Each phase is charged every command Redis ran meanwhile, read from \`INFO commandstats\` before and after (commands run inside Lua scripts included, so a script call counts 1 + what it ran); *round trips* are the commands clients sent (from \`MONITOR\`). Background timers run meanwhile and are included: the idle row shows their rate. *Whole-collection reads* are commands that read a whole key however large (HGETALL, HKEYS, HVALS, SMEMBERS, KEYS, SCAN, a range \`0 -1\` or \`-inf +inf\` without LIMIT), Colyseus's own included, named with their key. Goal: ≤ ${COMMANDS_PER_PAIR_GOAL} commands per pair and no whole-collection read per pair, join or request.`,
    "",
  ];
  for (const run of runs) {
    const r = run.result;
    if (!r) {
      lines.push(`Not run: ${run.skipped ?? "no result"}`, "");
      continue;
    }
    const rows = r.phases.map((p) => [p.phase, `${int(p.per.count)} ${p.per.unit}`, one(per(p.total, p)), one(per(p.roundTrips, p)), `per ${unitOf(p)}`, wholeCell(p)]);
    rows.push([
      "**per pair** (2 × join + match + 2 × leave)",
      `${int(r.pairs)} pairs`,
      `**${one(r.perPair.total)}**`,
      one(r.perPair.roundTrips),
      r.perPair.total <= COMMANDS_PER_PAIR_GOAL ? "goal met" : `goal ≤ ${COMMANDS_PER_PAIR_GOAL}: not met`,
      r.perPair.wholeReads > 0 ? `${one(r.perPair.wholeReads)} per pair` : "none",
    ]);
    lines.push(
      table(["phase", "made", "commands", "round trips", "", "whole-collection reads (per unit)"], rows),
      "",
      `Where a pair's commands go (top ${TOP_SOURCES}, by command and key; \`<id>\` stands for a room, user or process id):`,
      "",
      table(["command and key", "per pair"], pairSources(r.phases.slice(1, 4))),
      "",
    );
    if (r.queue?.length) lines.push("### One enqueue + match as the queue grows", "", queueCostTable(r.queue, "loadtest/queue-cost.ts, run by the bench"), "");
    if (r.driver?.length) lines.push("### One lobby join as live chats grow", "", driverCostTable(r.driver, "loadtest/driver-cost.ts, run by the bench"), "");
  }
  return lines.join("\n").trimEnd();
}
