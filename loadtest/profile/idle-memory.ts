/**
 * Memory of a freshly started server, idle and then with clients, for A/B comparisons of a
 * change: each target is started as the bench starts it, in turn, round after round, left
 * idle, and its memory read from /proc (no collection forced, as the bench reads it). With
 * `--clients N`, N bots (the bench's, in its worker processes) then join and are paired, and
 * RSS is read again after the bench's settling pause: KB per client above the idle reading.
 * With `--heap` too, the heap the process keeps after a full collection (the soak's probe) is
 * read idle and with the clients: what a client really keeps, young-generation growth and
 * garbage left out (the idle collection also shrinks the young generation, so RSS per client
 * is then not the bench's figure).
 *
 *   node loadtest/profile/idle-memory.ts [--rounds 3] [--idle 8] [--targets pairline,bare-colyseus]
 *     [--root <dir> ...] [--vary KEY=VALUE ...] [--clients 0] [--keep-lobby] [--heap]
 *
 * Each `--root` is another Pairline checkout (e.g. `git archive main | tar -x -C /tmp/base`
 * with a `node_modules` link) run as its own target, and so is this checkout with each
 * `--vary` added to its environment (e.g. `NODE_OPTIONS=--max-semi-space-size=4`). Each
 * checkout's Pairline is started once before the rounds so that Node's compile cache is
 * warm, as on any start but a machine's first.
 */
import fs from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { FULL_PLAN } from "../run/plan.ts";
import { HEAP_PROBE, heapAfterGcMb } from "../soak/heap-after-gc.ts";
import { Session } from "../run/session.ts";
import { killAllOnExit } from "../targets/child-process.ts";
import { launchTarget } from "../targets/launch.ts";
import { runsOf, type Run } from "./ab-runs.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    idle: { type: "string", default: "8" },
    targets: { type: "string", default: "pairline,bare-colyseus" },
    root: { type: "string", multiple: true, default: [] },
    vary: { type: "string", multiple: true, default: [] },
    clients: { type: "string", default: "0" },
    "keep-lobby": { type: "boolean", default: false },
    heap: { type: "boolean", default: false },
  },
});

const runs = runsOf(values.targets, values.root, values.vary);

const clients = Number(values.clients);
const STATUS_FIELDS = ["VmRSS", "RssAnon", "RssFile", "Threads"] as const;
const FIELDS = [...STATUS_FIELDS, ...(clients ? (["loadedRSS", "KBperClient"] as const) : []), ...(clients && values.heap ? (["heapKBperClient"] as const) : [])];
type Reading = Record<string, number>;

/** MB (threads as a count) from /proc/<pid>/status. */
function readStatus(pid: number): Reading {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return Object.fromEntries(STATUS_FIELDS.map((name) => [name, name === "Threads" ? field(name) : field(name) / 1024]));
}

async function measure(run: Run): Promise<Reading> {
  const session = await Session.open({ name: run.name, processes: 1, pairlineRoot: run.root, env: run.env, preload: values.heap ? [HEAP_PROBE] : [], workers: FULL_PLAN.workers, keepLobby: values["keep-lobby"] });
  try {
    await sleep(Number(values.idle) * 1000);
    const pid = session.target.servers[0]!.pid;
    const idle = readStatus(pid);
    if (!clients) return idle;
    const server = session.target.servers[0]!.child;
    const idleHeapMb = values.heap ? await heapAfterGcMb(server) : 0;
    const ramp = await session.ramp(clients, FULL_PLAN.rampPerSecond, true);
    if (ramp.failed) console.log(`  ${ramp.failed} joins failed`);
    await sleep(FULL_PLAN.settleMs);
    const loadedRSS = readStatus(pid).VmRSS!;
    const KBperClient = ((loadedRSS - idle.VmRSS!) * 1024) / clients;
    if (!values.heap) return { ...idle, loadedRSS, KBperClient };
    return { ...idle, loadedRSS, KBperClient, heapKBperClient: (((await heapAfterGcMb(server)) - idleHeapMb) * 1024) / clients };
  } finally {
    await session.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const show = (reading: (field: string) => number) => FIELDS.map((f) => `${f} ${reading(f).toFixed(f === "Threads" ? 0 : 1)}`).join(", ");

killAllOnExit();
console.log(`idle ${values.idle} s after ready; load ${load()}`);
for (const root of new Set(runs.filter((run) => run.name === "pairline").map((run) => run.root))) {
  await (await launchTarget({ name: "pairline", processes: 1, pairlineRoot: root })).stop();
}
const readings = new Map<string, Reading[]>(runs.map((run) => [run.label, []]));
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const run of runs) {
    const reading = await measure(run);
    readings.get(run.label)!.push(reading);
    console.log(`round ${round} ${run.label}: ${show((f) => reading[f]!)}`);
  }
}
console.log(`medians (MB); load ${load()}`);
for (const [label, rs] of readings) {
  console.log(`${label}: ${show((f) => median(rs.map((r) => r[f]!)))}`);
}
