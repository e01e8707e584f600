// What the guest challenge costs at the default difficulty: a person's solve time (Node, and the demo
// page's Web Worker in Chromium) and a bot's CPU-seconds per 1,000 guests. Boots its own server.
// Usage: npx node loadtest/guest-cost.ts [--guests 50] [--browser-solves 5]
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import type { Challenge } from "altcha-lib";
import { solveGuestChallenge } from "../src/auth/guest-challenge-solver.ts";
import { loadConfig } from "../src/config/index.ts";
import { startServer } from "../src/server.ts";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const { values } = parseArgs({ options: { guests: { type: "string", default: "50" }, "browser-solves": { type: "string", default: "5" } } });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pairline-guest-cost-"));
const server = await startServer(loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", DATA_DIR: dataDir, RATE_LIMIT_AUTH_MAX: "1000000", RATE_LIMIT_API_MAX: "1000000" }));
const baseUrl = `http://127.0.0.1:${server.port}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

try {
  const wall: number[] = [];
  let cpuMicros = 0;
  for (let i = 0; i < Number(values.guests); i++) {
    const { data } = (await (await fetch(`${baseUrl}/api/auth/challenge`)).json()) as { data: { challenge: Challenge } };
    const started = performance.now();
    const cpu = process.cpuUsage();
    const altcha = await solveGuestChallenge(data.challenge);
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    wall.push(performance.now() - started);
    const res = await fetch(`${baseUrl}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ altcha }) });
    if (res.status !== 201) throw new Error(`guest refused: ${res.status}`);
  }
  const cpuPer1000 = (cpuMicros / 1e6 / wall.length) * 1000;
  console.log(`node: ${wall.length} guests at the default difficulty; solve median ${median(wall).toFixed(0)} ms, p90 ${p90(wall).toFixed(0)} ms; a bot pays ${cpuPer1000.toFixed(0)} CPU-seconds per 1,000 guests`);

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    const times: number[] = [];
    for (let i = 0; i < Number(values["browser-solves"]); i++) {
      times.push(await page.evaluate(async () => {
        const { solveGuestChallenge } = await import("/guest-challenge.js" as string);
        const started = performance.now();
        await solveGuestChallenge();
        return performance.now() - started;
      }));
    }
    console.log(`chromium (demo page worker): ${times.length} solves; median ${median(times).toFixed(0)} ms, p90 ${p90(times).toFixed(0)} ms`);
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
