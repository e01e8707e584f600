/**
 * The long soak: `SOAK_MINUTES=60 npm run soak` (default 60). Writes its samples to
 * loadtest/benchmarks/soak.json, which `npm run bench` turns into a section and a
 * chart of BENCHMARKS.md. `npm run soak -- --report` only puts that section (from
 * soak.json) into the current BENCHMARKS.md, leaving the rest as it is.
 */
// First: it decides which WebSocket the SDK picks up when it loads.
import "../bots/sdk-websocket.ts";
import fs from "node:fs";
import path from "node:path";
import { replaceSoakSection } from "../report/soak-section.ts";
import { killAllOnExit } from "../targets/child-process.ts";
import { runSoak } from "./soak.ts";

const OUT = path.join(import.meta.dirname, "../benchmarks/soak.json");
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

if (process.argv.includes("--report")) {
  replaceSoakSection(path.join(import.meta.dirname, "../../BENCHMARKS.md"), path.dirname(OUT));
  process.exit(0);
}

killAllOnExit();
process.once("SIGINT", () => process.exit(130));
// The SDK narrates every closed socket; at hundreds of bots that is noise.
console.info = () => undefined;
console.warn = () => undefined;

const minutes = num("SOAK_MINUTES", 60);
const result = await runSoak({
  users: num("SOAK_USERS", 500),
  minutes,
  warmupMinutes: num("SOAK_WARMUP_MINUTES", Math.min(10, minutes / 3)),
  sampleSeconds: num("SOAK_SAMPLE_SECONDS", 5),
  gcSeconds: num("SOAK_GC_SECONDS", 60),
  skipSeconds: 10,
  messageSeconds: 5,
  uploadsPerMinute: num("SOAK_UPLOADS_PER_MINUTE", 30),
  drainSeconds: 120,
  log: (line) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
});
const out = process.env.SOAK_OUT ?? OUT;
fs.writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
for (const check of result.verdict.checks) process.stdout.write(`${check.ok ? "ok  " : "FAIL"} ${check.what}: ${check.seen}\n`);
process.stdout.write(`samples written to ${path.relative(process.cwd(), out)}\n`);
process.exit(result.verdict.ok ? 0 : 1);
