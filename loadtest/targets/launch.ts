import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TargetAddress } from "../bots/commands.ts";
import { supervise, whenReady, type Supervised } from "./child-process.ts";
import { freePort } from "../../tests/helpers/process.ts";

export const TARGETS = ["pairline", "pairline-bun", "bare-colyseus", "bare-ws"] as const;
export type TargetName = (typeof TARGETS)[number];

export const TARGET_TITLES: Record<TargetName, string> = {
  pairline: "Pairline",
  "pairline-bun": "Pairline on Bun",
  "bare-colyseus": "bare Colyseus",
  "bare-ws": "bare ws",
};

export interface LaunchOptions {
  name: TargetName;
  processes: number;
  redisUrl?: string;
  /** Where Pairline's sources are (the repository root, or an exported commit). */
  pairlineRoot: string;
  /** Write a CPU profile of each server process into this folder when it stops. */
  profileDir?: string;
  /** Settings added to every server process's environment (Pairline only). */
  env?: Record<string, string>;
  /** Modules each server process imports before its entry (`--import`, which Bun takes too): a soak's heap probe. */
  preload?: string[];
}

export interface RunningTarget {
  name: TargetName;
  address: TargetAddress;
  servers: Supervised[];
  /** The folder the processes share (SQLite file, uploads, logs); removed by `stop()`. */
  dataDir: string;
  /** The command line of each server process, environment included, as a reader would type it. */
  commands: string[];
  stop(): Promise<void>;
}

const HERE = import.meta.dirname;
const EXIT_WITH_PARENT = path.join(HERE, "exit-with-parent.ts");
/** The project's Bun (see scripts/bun); it takes Node's `--import` and `--cpu-prof` flags too. */
const BUN = path.join(HERE, "../../scripts/bun");

const isPairline = (name: TargetName) => name === "pairline" || name === "pairline-bun";
/** Every target runs on the bench's own Node, but Pairline on Bun. */
const runtimeOf = (name: TargetName) => (name === "pairline-bun" ? { command: BUN, shown: "bun" } : { command: process.execPath, shown: "node" });

/**
 * Pairline as deployed, with the limits that would throttle a benchmark from one
 * address lifted. Its processes share what a deployment on one machine shares: the
 * JWT secret, the SQLite file and uploads (DATA_DIR), and Redis.
 */
function pairlineEnv(port: number, shared: { dataDir: string; jwtSecret: string }, instance: number, redisUrl: string | undefined, multi: boolean): Record<string, string> {
  return {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    JWT_SECRET: shared.jwtSecret,
    METRICS_PUBLIC: "true",
    DATA_DIR: shared.dataDir,
    LOG_DIR: path.join(shared.dataDir, `logs-${instance}`),
    LOG_LEVEL: "warn",
    RATE_LIMIT_AUTH_MAX: "1000000",
    RATE_LIMIT_API_MAX: "1000000",
    RATE_LIMIT_MATCHMAKE_MAX: "1000000",
    RATE_LIMIT_ROOM_MESSAGES: "1000000",
    // The bots' cost of entry is measured apart (loadtest/guest-cost.ts); here they measure the chat.
    GUEST_CHALLENGE: "false",
    ...(multi ? { PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
}

function entryOf(name: TargetName, pairlineRoot: string): string {
  // src/main.js is what `npm start` runs (on Node); a checkout from before it existed starts src/server.ts.
  const start = path.join(pairlineRoot, "src/main.js");
  if (name === "pairline" && fs.existsSync(start)) return start;
  if (isPairline(name)) return path.join(pairlineRoot, "src/server.ts");
  return path.join(HERE, name === "bare-ws" ? "bare-ws-server.ts" : "bare-colyseus-server.ts");
}

function shellLine(env: Record<string, string>, runtime: string, args: string[]): string {
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${k === "JWT_SECRET" ? "<random 64 hex>" : k.endsWith("_DIR") ? "<temp dir>" : v}`)
    .join(" ");
  return `${shown} ${runtime} ${args.map((a) => path.relative(process.cwd(), a).startsWith("..") ? a : path.relative(process.cwd(), a) || a).join(" ")}`;
}

/** Free ports, all different (a port just probed is free until someone binds it, so two probes can return the same one). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

const LAUNCH_ATTEMPTS = 3;

/**
 * Starts the target's server processes, fresh, and waits until each is ready. A port
 * found free can be taken by another program before the server binds it; the launch is
 * then tried again on other ports.
 */
export async function launchTarget(options: LaunchOptions): Promise<RunningTarget> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(options);
    } catch (error) {
      if (attempt >= LAUNCH_ATTEMPTS || !String(error).includes("EADDRINUSE")) throw error;
    }
  }
}

async function launchOnce(options: LaunchOptions): Promise<RunningTarget> {
  const { name, processes, redisUrl, pairlineRoot, profileDir, env: extraEnv = {}, preload = [] } = options;
  if (processes > 1 && !redisUrl) throw new Error("several processes need Redis");
  if (name === "bare-ws" && processes > 1) throw new Error("the bare ws baseline is one process");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pairline-bench-"));
  const shared = { dataDir, jwtSecret: randomBytes(32).toString("hex") };
  const servers: Supervised[] = [];
  const commands: string[] = [];
  const endpoints: string[] = [];
  try {
    const ports = await distinctFreePorts(processes);
    for (const [i, port] of ports.entries()) {
      const env = isPairline(name)
        ? { ...pairlineEnv(port, shared, i, redisUrl, processes > 1), ...extraEnv }
        : { PORT: String(port), ...(redisUrl ? { REDIS_URL: redisUrl, PUBLIC_ADDRESS: `127.0.0.1:${port}` } : {}) };
      const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${processes}p-${i}-${Date.now()}.cpuprofile`] : [];
      const args = [...profile, ...[EXIT_WITH_PARENT, ...preload].flatMap((module) => ["--import", module]), entryOf(name, pairlineRoot)];
      const runtime = runtimeOf(name);
      const server = supervise(runtime.command, args, { cwd: isPairline(name) ? pairlineRoot : process.cwd(), env: { ...process.env, ...env } });
      servers.push(server);
      commands.push(shellLine(env, runtime.shown, args));
      endpoints.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(servers.map((server) => whenReady(server, 90_000)));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop(1000)));
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    name,
    address: { client: name === "bare-ws" ? "ws" : "sdk", endpoints, auth: "guest" },
    servers,
    dataDir,
    commands,
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
