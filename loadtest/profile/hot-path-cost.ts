/**
 * Server CPU per join, per idle chat and per relayed message, for A/B comparisons of a
 * change: each target is started fresh, in turn, round after round, so that runs of
 * different code interleave on the same machine. It reads the server's CPU time from
 * /proc, so a busy machine slows the run more than it skews the figures.
 *
 *   node loadtest/profile/hot-path-cost.ts [--clients 200] [--joins-per-second 50] [--rate 5] [--seconds 5] [--warmup 0]
 *     [--rounds 2] [--keep-lobby] [--targets pairline,bare-colyseus] [--root <dir> ...] [--vary KEY=VALUE ...] [--profile <dir>]
 *
 * Each `--root` is another Pairline checkout (e.g. `git archive main | tar -x -C /tmp/base`
 * with a `node_modules` link) run as its own target, and so is this checkout with each
 * `--vary` added to its environment (e.g. `NODE_OPTIONS=--max-semi-space-size=4`). Per join: CPU while the clients get
 * a token, join the lobby, are paired and take their chat seats, divided by the clients.
 * Idle: CPU per chat room and second with everyone paired and quiet. Per message: CPU
 * while every client sends `--rate` messages a second, less the idle CPU, per message sent.
 */
import { parseArgs } from "node:util";
import { probeHotPath } from "../run/hot-path-probe.ts";
import { killAllOnExit } from "../targets/child-process.ts";
import { runsOf } from "./ab-runs.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "200" },
    "joins-per-second": { type: "string", default: "50" },
    rate: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "0" },
    rounds: { type: "string", default: "2" },
    "keep-lobby": { type: "boolean", default: false },
    targets: { type: "string", default: "pairline,bare-colyseus" },
    root: { type: "string", multiple: true, default: [] },
    vary: { type: "string", multiple: true, default: [] },
    profile: { type: "string" },
  },
});
const clients = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const sizes = {
  clients,
  joinsPerSecond: Number(values["joins-per-second"]),
  perClient: rate,
  idleMs: seconds * 1000,
  warmupMs: Number(values.warmup) * 1000,
  chatMs: seconds * 1000,
  messageLength: 64,
  keepLobby: values["keep-lobby"],
};

const runs = runsOf(values.targets, values.root, values.vary);

killAllOnExit();
console.log(`${clients} clients, ${rate} msg/s each for ${seconds} s; load ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const run of runs) {
    const { sample: r } = await probeHotPath({ name: run.name, root: run.root, env: run.env, profileDir: values.profile }, sizes);
    console.log(
      `round ${round} ${run.label.padEnd(40)} join ${r.joinUs.toFixed(0).padStart(6)} µs   idle ${r.idleUsPerRoomSecond.toFixed(1).padStart(6)} µs/room/s   message ${r.messageUs.toFixed(1).padStart(6)} µs   (${r.paired} paired, ${r.sent} sent, ${r.missed} missed)`,
    );
  }
}
process.exit(0);
