/**
 * Preloaded into a server (`--import`): on SIGWINCH it writes what its event loop and
 * garbage collector did since the previous signal to `<tmpdir>/loop-probe-<pid>.json`,
 * then starts over. The loop delay is sampled every 10 ms; every collection is listed
 * by kind, with the long ones (≥ 10 ms) apart.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "scavenge",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "mark-compact",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak-callbacks",
};

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let gc: Record<string, { count: number; ms: number; maxMs: number }> = {};
let long: Array<{ kind: string; ms: number; at: number }> = [];
let since = performance.now();

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[((entry as unknown as { detail: { kind: number } }).detail).kind] ?? "other";
    const sum = (gc[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    sum.count += 1;
    sum.ms += entry.duration;
    sum.maxMs = Math.max(sum.maxMs, entry.duration);
    if (entry.duration >= 10) long.push({ kind, ms: Math.round(entry.duration), at: Math.round(entry.startTime - since) });
  }
}).observe({ entryTypes: ["gc"] });

process.on("SIGWINCH", () => {
  const ms = (n: number) => Math.round(n / 1e4) / 100;
  const report = {
    seconds: (performance.now() - since) / 1000,
    loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), p999: ms(delay.percentile(99.9)), max: ms(delay.max) },
    gc,
    long,
    heap: process.memoryUsage(),
  };
  fs.writeFileSync(path.join(os.tmpdir(), `loop-probe-${process.pid}.json`), JSON.stringify(report));
  delay.reset();
  gc = {};
  long = [];
  since = performance.now();
});
