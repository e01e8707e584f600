import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { BotFleet } from "../bots/fleet.ts";
import { sdkConnector } from "../bots/sdk-connector.ts";
import { CpuMeter, type CpuUsage } from "../metrics/cpu-meter.ts";
import { rssBytes } from "../metrics/proc-stats.ts";
import { launchTarget, type TargetName } from "../targets/launch.ts";

/** What one probe does: clients join at a fixed rate, sit idle, then chat. */
export interface HotPathSizes {
  clients: number;
  joinsPerSecond: number;
  /** Messages per second per client while chatting. */
  perClient: number;
  idleMs: number;
  /** Chat before the measured window (not counted), so that the server's code is warm. */
  warmupMs: number;
  chatMs: number;
  /** Characters per chat message (the send time included). */
  messageLength: number;
  /** Bots stay in the lobby while they chat (two sockets each) instead of leaving it once seated. */
  keepLobby: boolean;
}

/** A server to probe: a target, from some checkout, with settings of its own. */
export interface ProbedServer {
  name: TargetName;
  root: string;
  env?: Record<string, string>;
  /** Where the server writes a CPU profile of its run (`--cpu-prof`), if anywhere. */
  profileDir?: string;
}

/** The server's CPU time per join, per idle chat room and per relayed message, from one fresh server. */
export interface HotPathSample {
  /** Clients that joined (token, lobby, match, chat seat), failed, and were seated in a chat. */
  joined: number;
  failed: number;
  paired: number;
  /** Server CPU per join, from the first token request to the last seat taken. */
  joinUs: number;
  idleUsPerRoomSecond: number;
  /** Server CPU while the clients chat, less what it spends idle, per message sent. */
  messageUs: number;
  sent: number;
  /** Sends the bots were too busy to make at the asked rate. */
  missed: number;
  /** Where the CPU went while the clients joined, and while they chatted. */
  joinCpu: CpuUsage;
  chatCpu: CpuUsage;
  /** The machine's 1-minute load average when the server started. */
  loadAverage: number;
  /** Warning and error lines the server logged. */
  serverProblems: number;
}

/** A sample, and how its server was started. */
export interface HotPathProbe {
  sample: HotPathSample;
  /** The server's command line, environment included. */
  commands: string[];
  /** RSS of the freshly started server. */
  baseRssBytes: number;
}

const START_PAUSE_MS = 1000;
const SETTLE_MS = 1000;
/** Lets the last messages and their acks through before the chat's CPU is read. */
const DRAIN_MS = 500;
const PAIR_TIMEOUT_MS = 60_000;

/**
 * Starts `server` fresh, drives it with bots in this process and reads its CPU time from
 * /proc, so that a busy machine slows the probe more than it skews the figures.
 */
export async function probeHotPath(server: ProbedServer, sizes: HotPathSizes): Promise<HotPathProbe> {
  const loadAverage = os.loadavg()[0]!;
  const target = await launchTarget({ name: server.name, processes: 1, pairlineRoot: server.root, env: server.env, profileDir: server.profileDir });
  const pid = target.servers[0]!.pid;
  const fleet = new BotFleet(sdkConnector(target.address.endpoints, target.address.auth));
  const meter = new CpuMeter(() => ({ server: [pid], generator: [process.pid] }));
  const serverSeconds = (cpu: CpuUsage, ms: number) => (cpu.server / 100) * (ms / 1000);
  const timed = async (phase: () => Promise<unknown>) => {
    meter.start();
    const startedAt = performance.now();
    await phase();
    return { cpu: meter.stop(), ms: performance.now() - startedAt };
  };
  try {
    await sleep(START_PAUSE_MS);
    const baseRssBytes = rssBytes(pid);
    let connect = { connected: 0, failed: 0 };
    const join = await timed(async () => {
      connect = (await fleet.run({ op: "connect", count: sizes.clients, perSecond: sizes.joinsPerSecond, match: true, keepLobby: sizes.keepLobby })) as typeof connect;
      await fleet.run({ op: "awaitPairs", timeoutMs: PAIR_TIMEOUT_MS });
    });
    const paired = fleet.status().chatting;
    await sleep(SETTLE_MS);
    const idle = await timed(() => sleep(sizes.idleMs));
    const idlePerSecond = serverSeconds(idle.cpu, idle.ms) / (idle.ms / 1000);
    await fleet.run({ op: "chat", window: 0, perSecond: sizes.perClient, durationMs: sizes.warmupMs, length: sizes.messageLength });
    let chatted = { sent: 0, missed: 0 };
    const chat = await timed(async () => {
      chatted = (await fleet.run({ op: "chat", window: 1, perSecond: sizes.perClient, durationMs: sizes.chatMs, length: sizes.messageLength })) as typeof chatted;
      await sleep(DRAIN_MS);
    });
    const busy = serverSeconds(chat.cpu, chat.ms) - idlePerSecond * (chat.ms / 1000);
    const sample = {
      joined: connect.connected,
      failed: connect.failed,
      paired,
      joinUs: connect.connected > 0 ? (serverSeconds(join.cpu, join.ms) * 1e6) / connect.connected : 0,
      idleUsPerRoomSecond: paired > 0 ? (idlePerSecond * 1e6) / (paired / 2) : 0,
      messageUs: chatted.sent > 0 ? (busy * 1e6) / chatted.sent : 0,
      ...chatted,
      joinCpu: join.cpu,
      chatCpu: chat.cpu,
      loadAverage,
      serverProblems: target.servers[0]!.problems(),
    };
    return { sample, commands: target.commands, baseRssBytes };
  } finally {
    await fleet.run({ op: "close" });
    await target.stop();
  }
}
