/**
 * The tail of (a), clients at 1 msg/s, for A/B comparisons: each run starts its server
 * fresh with `loop-probe.ts` preloaded, pairs `--clients`, lets them chat in
 * `--windows` windows of `--seconds`, and prints per window the relay latency, CPU
 * of server and bots, the server's event-loop delay and its garbage collections.
 * Runs are interleaved round after round.
 *
 *   node loadtest/profile/tail-latency.ts [--clients 3000] [--rate 1] [--seconds 10] [--windows 2]
 *     [--rounds 3] [--run label=pairline[,root=<dir>][,env=K=V;K=V] ...] [--profile <dir>]
 *
 * A run is `label=<target>` with optional `root` (another Pairline checkout) and `env`
 * (added to a Pairline server's environment, e.g. `NODE_OPTIONS=--max-semi-space-size=16`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { killAllOnExit } from "../targets/child-process.ts";
import type { TargetName } from "../targets/launch.ts";
import { Session } from "../run/session.ts";
import { chatWindow } from "../run/scenarios/chat-window.ts";
import { QUICK_PLAN } from "../run/plan.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "3000" },
    rate: { type: "string", default: "1" },
    seconds: { type: "string", default: "10" },
    windows: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    workers: { type: "string", default: "3" },
    run: { type: "string", multiple: true, default: ["pairline=pairline", "bare=bare-colyseus"] },
    profile: { type: "string" },
  },
});
const here = new URL("../..", import.meta.url).pathname;
const probe = path.join(import.meta.dirname, "loop-probe.ts");

interface Run {
  label: string;
  name: TargetName;
  root: string;
  env: Record<string, string>;
}
const runs: Run[] = values.run.map((spec) => {
  const [head, ...rest] = spec.split(",");
  const [label, name] = head!.split("=") as [string, TargetName];
  const fields = Object.fromEntries(rest.map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]));
  const env = Object.fromEntries((fields.env ?? "").split(";").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  return { label, name, root: fields.root ?? here, env };
});

const plan = { ...QUICK_PLAN, window: { warmupMs: 1000, measureMs: Number(values.seconds) * 1000, drainMs: 1000 } };

function readProbe(pid: number): Promise<Record<string, unknown>> {
  const file = path.join(os.tmpdir(), `loop-probe-${pid}.json`);
  fs.rmSync(file, { force: true });
  process.kill(pid, "SIGWINCH");
  return (async () => {
    for (let i = 0; i < 50 && !fs.existsSync(file); i++) await sleep(100);
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  })();
}

async function measure(run: Run, round: number): Promise<void> {
  const session = await Session.open({
    name: run.name,
    processes: 1,
    pairlineRoot: run.root,
    workers: Number(values.workers),
    keepLobby: false,
    preload: [probe],
    env: run.env,
    ...(values.profile ? { profileDir: values.profile } : {}),
  });
  const pid = session.target.servers[0]!.pid;
  try {
    const ramp = await session.ramp(Number(values.clients), 200, true, 60_000);
    await sleep(1500);
    for (let w = 1; w <= Number(values.windows); w++) {
      await readProbe(pid);
      const window = await chatWindow(session, plan, Number(values.rate));
      const p = (await readProbe(pid)) as {
        loopDelay: Record<string, number>;
        gc: Record<string, { count: number; ms: number; maxMs: number }>;
        long: Array<{ kind: string; ms: number }>;
      };
      const gc = Object.entries(p.gc).map(([k, v]) => `${k} ${v.count}× ${v.ms.toFixed(0)}ms max ${v.maxMs.toFixed(1)}`).join("; ");
      const l = window.latency;
      console.log(
        `r${round} ${run.label.padEnd(14)} w${w} ${window.clients} chatting (ramp ${ramp.failed} failed) | p50 ${l.p50.toFixed(1)} p99 ${l.p99.toFixed(1)} max ${l.max.toFixed(0)} ms lost ${window.lost}` +
          ` | cpu server ${window.cpu.server.toFixed(0)}% bots ${window.cpu.generator.toFixed(0)}% other ${window.cpu.other.toFixed(0)}% botlag p99 ${window.generatorLag.p99.toFixed(0)}` +
          ` | loop p99 ${p.loopDelay.p99} p99.9 ${p.loopDelay.p999} max ${p.loopDelay.max} | gc ${gc} | long ${p.long.map((x) => `${x.kind[0]}${x.ms}`).join(",")}` +
          ` | load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    await session.close();
  }
}

killAllOnExit();
console.log(`${values.clients} clients at ${values.rate} msg/s; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; ${new Date().toISOString()}`);
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const run of runs) await measure(run, round);
}
process.exit(0);
