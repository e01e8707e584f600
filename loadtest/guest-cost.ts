// What the guest challenge costs at the default difficulty, printed: a person's solve time (the demo
// page's Web Worker in Chromium), and a bot's (Node) with its CPU-seconds per 1,000 guests. The same
// figures go to BENCHMARKS.md with `npm run bench -- --only challenge`. Boots its own server.
// Usage: npx node loadtest/guest-cost.ts [--quick] [--pairline-root DIR]
import path from "node:path";
import { parseArgs } from "node:util";
import { runGuestChallenge } from "./run/scenarios/guest-challenge.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, "pairline-root": { type: "string" } } });
const root = path.resolve(values["pairline-root"] ?? path.join(import.meta.dirname, ".."));
const { node, browser, maxNumber, loadAverage } = await runGuestChallenge(values.quick ? "quick" : "full", root);
const ms = (n: number) => n.toFixed(0);
console.log(`default difficulty: counter below ${maxNumber}; load average ${loadAverage.map((l) => l.toFixed(1)).join(" → ")}`);
console.log(`node: ${node.guests} guests; solve p50 ${ms(node.solve.p50)} ms, p95 ${ms(node.solve.p95)} ms; ${ms(node.hashesPerSecond)} hashes/s; a bot pays ${ms(node.cpuSecondsPer1000)} CPU-seconds per 1,000 guests`);
console.log(`chromium: ${browser.solves} solves; a person waits p50 ${ms(browser.total.p50)} ms, p95 ${ms(browser.total.p95)} ms (worker alone p50 ${ms(browser.worker.p50)} ms); ${ms(browser.cpuMsPerSolve)} CPU-ms per solve, ${ms(browser.hashesPerCpuSecond)} hashes per CPU-second, the hardest challenge ${ms(browser.worstCaseCpuMs)} CPU-ms`);
process.exit(0);
