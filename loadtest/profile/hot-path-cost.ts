/**
 * Server CPU per join, per idle chat and per relayed message, for A/B comparisons of a
 * change: each target is started fresh, in turn, round after round, so that runs of
 * different code interleave on the same machine. It reads the server's CPU time from
 * /proc, so a busy machine slows the run more than it skews the figures.
 *
 *   node loadtest/profile/hot-path-cost.ts [--clients 200] [--rate 5] [--seconds 5] [--rounds 2]
 *     [--targets pairline,bare-colyseus] [--root <dir> ...] [--vary KEY=VALUE ...]
 *
 * Each `--root` is another Pairline checkout (e.g. `git archive main | tar -x -C /tmp/base`
 * with a `node_modules` link) run as its own target, and so is this checkout with each
 * `--vary` added to its environment (e.g. `NODE_OPTIONS=--max-semi-space-size=4`). Per join: CPU while the clients get
 * a token, join the lobby, are paired and take their chat seats, divided by the clients.
 * Idle: CPU per chat room and second with everyone paired and quiet. Per message: CPU
 * while every client sends `--rate` messages a second, less the idle CPU, per message sent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { BotFleet } from "../bots/fleet.ts";
import { sdkConnector } from "../bots/sdk-connector.ts";
import { cpuSeconds } from "../metrics/proc-stats.ts";
import { killAllOnExit } from "../targets/child-process.ts";
import { launchTarget } from "../targets/launch.ts";
import { runsOf, type Run } from "./ab-runs.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "200" },
    rate: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "2" },
    targets: { type: "string", default: "pairline,bare-colyseus" },
    root: { type: "string", multiple: true, default: [] },
    vary: { type: "string", multiple: true, default: [] },
  },
});
const clients = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);

const runs = runsOf(values.targets, values.root, values.vary);

async function measure(run: Run): Promise<{ joinUs: number; idleUsPerRoomSecond: number; messageUs: number; sent: number; paired: number }> {
  const target = await launchTarget({ name: run.name, processes: 1, pairlineRoot: run.root, env: run.env });
  const pid = target.servers[0]!.pid;
  const fleet = new BotFleet(sdkConnector(target.address.endpoints, "guest"));
  try {
    await sleep(1000);
    let cpu = cpuSeconds(pid);
    await fleet.run({ op: "connect", count: clients, perSecond: 50, match: true, keepLobby: false });
    await fleet.run({ op: "awaitPairs", timeoutMs: 60_000 });
    const paired = fleet.status().chatting;
    const joinUs = ((cpuSeconds(pid) - cpu) * 1e6) / clients;
    await sleep(1000);
    cpu = cpuSeconds(pid);
    await sleep(seconds * 1000);
    const idle = cpuSeconds(pid) - cpu;
    cpu = cpuSeconds(pid);
    const { sent } = (await fleet.run({ op: "chat", window: 0, perSecond: rate, durationMs: seconds * 1000, length: 64 })) as { sent: number };
    await sleep(500);
    const busy = cpuSeconds(pid) - cpu;
    const idlePerSecond = idle / seconds;
    const messageUs = ((busy - idlePerSecond * (seconds + 0.5)) * 1e6) / sent;
    return { joinUs, idleUsPerRoomSecond: (idlePerSecond * 1e6) / (paired / 2), messageUs, sent, paired };
  } finally {
    await fleet.run({ op: "close" });
    await target.stop();
  }
}

killAllOnExit();
console.log(`${clients} clients, ${rate} msg/s each for ${seconds} s; load ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const run of runs) {
    const r = await measure(run);
    console.log(
      `round ${round} ${run.label.padEnd(40)} join ${r.joinUs.toFixed(0).padStart(6)} µs   idle ${r.idleUsPerRoomSecond.toFixed(1).padStart(6)} µs/room/s   message ${r.messageUs.toFixed(1).padStart(6)} µs   (${r.paired} paired, ${r.sent} sent)`,
    );
  }
}
process.exit(0);
