import fs from "node:fs";
import path from "node:path";
import type { SoakResult, SoakSample } from "../soak/soak.ts";
import { FLAT } from "../soak/verdict.ts";
import { int, ms, table } from "./format.ts";
import { chartSvg, type Series } from "./svg-chart.ts";

export const SOAK_FILE = "soak.json";
export const SOAK_CHART = "soak.svg";

const perProcess = (samples: SoakSample[], value: (s: SoakSample, i: number) => number): Series[] =>
  (samples[0]?.processes ?? []).map((_, i) => ({ name: `process ${i + 1}`, points: samples.map((s) => [s.t / 60, value(s, i)]) }));

/** Memory, descriptors and Redis keys over the soak, users leaving at the end. */
export function soakChart(result: SoakResult): string {
  const samples = result.samples;
  return chartSvg([
    { title: "RSS", xLabel: "minutes", yLabel: "MB", series: perProcess(samples, (s, i) => s.processes[i]!.rssMb) },
    { title: "V8 heap used", xLabel: "minutes", yLabel: "MB", series: perProcess(samples, (s, i) => s.processes[i]!.heapUsedMb) },
    { title: "open file descriptors", xLabel: "minutes", yLabel: "descriptors", series: perProcess(samples, (s, i) => s.processes[i]!.fds) },
    {
      title: "Redis keys and users chatting",
      xLabel: "minutes",
      yLabel: "count",
      series: [
        { name: "Redis keys (DBSIZE)", points: samples.map((s) => [s.t / 60, s.redisKeys]) },
        { name: "users chatting", points: samples.map((s) => [s.t / 60, s.chatting]) },
      ],
    },
  ]);
}

/** The soak's section of BENCHMARKS.md, from `soak.json` beside the other results; none when there is no such file. */
export function soakSection(assetsDir: string, link: (file: string) => string): string[] {
  const file = path.join(assetsDir, SOAK_FILE);
  if (!fs.existsSync(file)) return [];
  const result = JSON.parse(fs.readFileSync(file, "utf8")) as SoakResult;
  fs.writeFileSync(path.join(assetsDir, SOAK_CHART), soakChart(result));
  const { options: o, traffic: t, verdict: v, final, baseline } = result;
  const flat = o.flat ?? FLAT;
  const churnMinutes = o.minutes - o.warmupMinutes;
  const uploadsRefused = Object.entries(t.uploads.refused).map(([status, n]) => `${int(n)} × ${status}`).join(", ") || "none";
  const problems = Object.entries(t.counts).filter(([name]) => !name.startsWith("calls") && !name.startsWith("ice")).map(([name, n]) => `${name}: ${int(n)}`).join("; ") || "none";
  const timing = (name: string) => (t.timings[name] ? `${ms(t.timings[name].p50)} / ${ms(t.timings[name].p99)} ms` : "–");
  return [
    [
      `## Soak: ${o.minutes} minutes of churn on two processes`,
      "",
      `Started ${result.startedAt.slice(0, 16).replace("T", " ")} UTC with \`SOAK_MINUTES=${o.minutes} npm run soak\` (\`loadtest/soak/\`), samples in [\`${link(SOAK_FILE)}\`](${link(SOAK_FILE)}). ` +
        `Two Pairline processes and a private Redis; ${int(o.users)} users on \`@colyseus/sdk\` bots, in the same process as the run, each pair skipping to the next stranger after ${o.skipSeconds} s, each user sending a message every ${o.messageSeconds} s, ` +
        `the crowd uploading ${o.uploadsPerMinute} files a minute (a PNG, an MP3 and a WebM voice note in turn) and showing them to the partner. ` +
        `Every ${o.sampleSeconds} s the run reads each process's \`/metrics\` (RSS, heap used, rooms, clients), \`/proc/<pid>/fd\`, Redis \`DBSIZE\` and the files in the uploads folder. ` +
        (o.gcSeconds ? `Every ${o.gcSeconds} s it also forces a full garbage collection in each process and reads the heap left (on Node the inspector's \`HeapProfiler.collectGarbage\`, then the V8 heap used; on Bun \`Bun.gc(true)\`, then the heap used): memory is judged on that, not on heap used at random instants (the collector's sawtooth). ` : "") +
        `The trends are Theil–Sen slopes (median of the pairwise slopes, which a garbage collection does not move) over the ${churnMinutes.toFixed(0)} minutes after a ${o.warmupMinutes} minute warm-up. ` +
        "The machine was shared with other work during the run: latency figures are reported, not judged; a leak shows as a slope whatever the load.",
      "",
      `![RSS, heap, descriptors and Redis keys over the soak](${link(SOAK_CHART)})`,
      "",
      table(
        ["check", "seen", "verdict"],
        v.checks.map((c) => [c.what, c.seen, c.ok ? "**ok**" : "failed"]),
      ),
      "",
      table(
        ["traffic", "figure"],
        [
          ["users connected", int(t.connected)],
          ["skips (one per pair ending)", int(t.skips)],
          ["messages sent / delivered", `${int(t.sent)} / ${int(t.delivered)}`],
          ["send → receive latency p50 / p99 / max", `${ms(t.latency.p50)} / ${ms(t.latency.p99)} / ${ms(t.latency.max)} ms`],
          ["skip → seated with the next stranger, p50 / p99", timing("skipToChat")],
          ["uploads shown to the partner", int(t.uploads.shared)],
          ["uploads refused (403: the chat ended while the file was on its way)", uploadsRefused],
          ["what the bots saw go wrong", problems],
        ],
      ),
      "",
      `After the users left, the cluster was empty within ${final.drainSeconds.toFixed(0)} s: Redis held ${int(final.redisKeys)} keys (baseline ${int(baseline.redisKeys)}, taken after four first users came and went, so that per-address rate-limit counters and statistics are in it), ` +
        `${final.processes.reduce((n, p) => n + p.chatRooms + p.lobbyRooms, 0)} rooms and ${final.uploadsOnDisk} uploads on disk. ` +
        `Flat means under ${flat.rssMbPerMinute} MB/min of RSS, ${flat.heapAfterGcMbPerMinute} MB/min of heap left after a forced full collection and ${flat.fdsPerMinute} descriptor/min per process.`,
    ].join("\n"),
  ];
}

const SECTION_AFTER_SOAK = "## What limits each figure";

/** Puts the soak's section into an existing report in place of the one it has (before "What limits each figure" if none), leaving the rest as it is. */
export function replaceSoakSection(reportPath: string, assetsDir: string): void {
  const link = (file: string) => path.relative(path.dirname(reportPath), path.join(assetsDir, file)).split(path.sep).join("/");
  const [section] = soakSection(assetsDir, link);
  if (!section) throw new Error(`no ${SOAK_FILE} in ${assetsDir}`);
  const report = fs.readFileSync(reportPath, "utf8");
  const start = report.indexOf("\n## Soak:");
  let updated: string;
  if (start >= 0) {
    const next = report.indexOf("\n## ", start + 1);
    updated = `${report.slice(0, start + 1)}${section}\n${next >= 0 ? report.slice(next) : ""}`;
  } else {
    const at = report.indexOf(`\n${SECTION_AFTER_SOAK}`);
    updated = at >= 0 ? `${report.slice(0, at + 1)}${section}\n\n${report.slice(at + 1)}` : `${report.trimEnd()}\n\n${section}\n`;
  }
  fs.writeFileSync(reportPath, updated);
}
