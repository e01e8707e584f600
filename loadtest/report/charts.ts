import type { Plan } from "../run/plan.ts";
import type { CapacityRun, ScenarioRun, ThroughputRun } from "../run/results.ts";
import { TARGET_TITLES } from "../targets/launch.ts";
import { chartSvg, type Series } from "./svg-chart.ts";

const seriesName = (run: ScenarioRun) => `${TARGET_TITLES[run.target]}${run.processes > 1 ? ` ×${run.processes} + Redis` : ""}`;

/** The runs whose bots left the lobby once seated: both flows in one chart would be more lines than it has colours; the tables hold both. */
function series<R extends ScenarioRun>(runs: R[], points: (run: R) => Array<[number, number]>): Series[] {
  return runs.filter((r) => !r.skipped && !r.keepLobby).map((run) => ({ name: seriesName(run), points: points(run) })).filter((s) => s.points.length > 0);
}

/** (a)/(d): latency, server CPU and server memory as clients are added. */
export function capacityChart(runs: CapacityRun[], plan: Plan): string {
  return chartSvg([
    {
      title: "(a) p99 relay latency, 1 msg/s per client",
      xLabel: "connected clients",
      yLabel: "p99 latency (ms, log)",
      logY: true,
      goal: { y: plan.latencyGoalMs, label: `goal ${plan.latencyGoalMs} ms` },
      series: series(runs, (r) => r.steps.map((s) => [s.clients, s.steady.latency.p99])),
    },
    {
      title: "server CPU",
      xLabel: "connected clients",
      yLabel: "% of one core",
      series: series(runs, (r) => r.steps.map((s) => [s.clients, s.steady.cpu.server])),
    },
    {
      title: "(d) server memory",
      xLabel: "connected clients",
      yLabel: "RSS (MB)",
      series: series(runs, (r) => r.steps.map((s) => [s.clients, s.idleRssBytes / 2 ** 20])),
    },
  ]);
}

/** (b): latency and delivered rate as the offered rate grows. */
export function throughputChart(runs: ThroughputRun[], plan: Plan): string {
  return chartSvg([
    {
      title: `(b) p99 relay latency, ${plan.throughput.clients} clients`,
      xLabel: "offered messages/s",
      yLabel: "p99 latency (ms, log)",
      logY: true,
      goal: { y: plan.latencyGoalMs, label: `goal ${plan.latencyGoalMs} ms` },
      series: series(runs, (r) => r.steps.map((s) => [s.offeredPerSecond, s.latency.p99])),
    },
    {
      title: "delivered",
      xLabel: "offered messages/s",
      yLabel: "delivered messages/s",
      series: series(runs, (r) => r.steps.map((s) => [s.offeredPerSecond, s.deliveredPerSecond])),
    },
    {
      title: "server CPU",
      xLabel: "offered messages/s",
      yLabel: "% of one core (all server processes)",
      series: series(runs, (r) => r.steps.map((s) => [s.offeredPerSecond, s.cpu.server])),
    },
  ]);
}
