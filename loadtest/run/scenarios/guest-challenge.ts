import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Challenge } from "altcha-lib";
import { solveGuestChallenge } from "../../../src/auth/guest-challenge-solver.ts";
import { launchChromium } from "../../../tests/helpers/browser.ts";
import { LatencyHistogram, type LatencySummary } from "../../metrics/histogram.ts";
import { cpuSeconds, descendants } from "../../metrics/proc-stats.ts";

/** Guests a Node bot makes, and challenges the demo page solves in Chromium, per plan. */
export const CHALLENGE_SIZES = { quick: { guests: 20, browserSolves: 5 }, full: { guests: 100, browserSolves: 15 } } as const;

export interface ChallengeResult {
  /** The default difficulty: the secret counter is drawn below this. */
  maxNumber: number;
  node: {
    guests: number;
    /** Wall time of `altcha-lib`'s solver, per guest. */
    solve: LatencySummary;
    /** What a bot spends on the proof of work alone for 1,000 guests. */
    cpuSecondsPer1000: number;
    hashesPerSecond: number;
  };
  browser: {
    solves: number;
    /** As a person waits: fetching the challenge, starting the worker, solving, from the page's call. */
    total: LatencySummary;
    /** The worker's own solve time, as it reports it to the server. */
    worker: LatencySummary;
    hashesPerSecond: number;
    /** Chromium's CPU time (all its processes) per solve: the wall time on an idle core, whatever the load. */
    cpuMsPerSolve: number;
    /** Hashes per CPU-second of Chromium. */
    hashesPerCpuSecond: number;
    /** The hardest challenge of the default difficulty (every counter tried), in CPU time. */
    worstCaseCpuMs: number;
    /** Progress updates the page received per solve (the progress bar moves). */
    progressUpdatesPerSolve: number;
  };
  /** 1-minute load average before and after: the machine is shared, so are these figures. */
  loadAverage: [number, number];
}

interface ServerModules {
  startServer: typeof import("../../../src/server.ts").startServer;
  loadConfig: typeof import("../../../src/config/index.ts").loadConfig;
}

/** Pairline from `pairlineRoot` (for before/after comparisons), in this process, at the default difficulty. */
async function startPairline(pairlineRoot: string, dataDir: string) {
  const { startServer } = (await import(path.join(pairlineRoot, "src/server.ts"))) as Pick<ServerModules, "startServer">;
  const { loadConfig } = (await import(path.join(pairlineRoot, "src/config/index.ts"))) as Pick<ServerModules, "loadConfig">;
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", DATA_DIR: dataDir, RATE_LIMIT_AUTH_MAX: "1000000", RATE_LIMIT_API_MAX: "1000000" });
  return { server: await startServer(config), maxNumber: config.guestChallenge.maxNumber };
}

async function nodeBot(baseUrl: string, guests: number): Promise<ChallengeResult["node"]> {
  const solve = new LatencyHistogram();
  let cpuMicros = 0;
  let counters = 0;
  let solveMs = 0;
  for (let i = 0; i < guests; i++) {
    const { data } = (await (await fetch(`${baseUrl}/api/auth/challenge`)).json()) as { data: { challenge: Challenge } };
    const started = performance.now();
    const cpu = process.cpuUsage();
    const altcha = await solveGuestChallenge(data.challenge);
    const used = process.cpuUsage(cpu);
    const took = performance.now() - started;
    cpuMicros += used.user + used.system;
    solve.record(took);
    solveMs += took;
    counters += (JSON.parse(Buffer.from(altcha, "base64").toString("utf8")) as { solution: { counter: number } }).solution.counter + 1;
    const res = await fetch(`${baseUrl}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ altcha }) });
    if (res.status !== 201) throw new Error(`guest refused: ${res.status}`);
  }
  return { guests, solve: solve.summary(), cpuSecondsPer1000: (cpuMicros / 1e6 / guests) * 1000, hashesPerSecond: counters / (solveMs / 1000) };
}

/** The demo page's own code path (`guest-challenge.js` and its Web Worker), as a person's click runs it. */
async function browserSolves(baseUrl: string, solves: number, maxNumber: number): Promise<ChallengeResult["browser"]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    const total = new LatencyHistogram();
    const worker = new LatencyHistogram();
    let counters = 0;
    let workerMs = 0;
    let progressUpdates = 0;
    const chromiumCpu = () => descendants(process.pid).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpuBefore = chromiumCpu();
    for (let i = 0; i < solves; i++) {
      const solved = await page.evaluate(async () => {
        const { solveGuestChallenge } = await import("/guest-challenge.js" as string);
        let updates = 0;
        const started = performance.now();
        const altcha = await solveGuestChallenge(() => updates++);
        const took = performance.now() - started;
        const { solution } = JSON.parse(atob(altcha));
        return { took, counter: solution.counter as number, time: solution.time as number, updates };
      });
      total.record(solved.took);
      worker.record(solved.time);
      counters += solved.counter + 1;
      workerMs += solved.time;
      progressUpdates += solved.updates;
    }
    const cpu = Math.max(0.01, chromiumCpu() - cpuBefore);
    const hashesPerCpuSecond = counters / cpu;
    return {
      solves,
      total: total.summary(),
      worker: worker.summary(),
      hashesPerSecond: counters / (Math.max(1, workerMs) / 1000),
      cpuMsPerSolve: (cpu * 1000) / solves,
      hashesPerCpuSecond,
      worstCaseCpuMs: (maxNumber / hashesPerCpuSecond) * 1000,
      progressUpdatesPerSolve: progressUpdates / solves,
    };
  } finally {
    await browser.close();
  }
}

/** The cost of the guest challenge at the default difficulty: to a person (Chromium) and to a bot (Node, CPU-seconds). */
export async function runGuestChallenge(mode: "quick" | "full", pairlineRoot: string): Promise<ChallengeResult> {
  const sizes = CHALLENGE_SIZES[mode];
  const before = os.loadavg()[0]!;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pairline-challenge-"));
  const { server, maxNumber } = await startPairline(pairlineRoot, dataDir);
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const node = await nodeBot(baseUrl, sizes.guests);
    const browser = await browserSolves(baseUrl, sizes.browserSolves, maxNumber);
    return { maxNumber, node, browser, loadAverage: [before, os.loadavg()[0]!] };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
