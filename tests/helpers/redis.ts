import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./process.ts";

/** A private redis-server on a free port, without persistence, that a test can stop, restart and freeze. */
export interface TestRedis {
  port: number;
  url: string;
  /** A fresh client of this server; the caller closes it. */
  client(): Redis;
  /** Runs a redis-cli command against this server and answers its output. */
  cli(...args: string[]): string;
  /** Kills the server; with `restart`, its data is gone (nothing is saved). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Makes the server stop answering for `seconds` (it stays connected). */
  freeze(seconds: number): void;
}

/** Skips the suite when redis-server is missing, except in CI (`CI=true`), where it fails. */
export function requireRedisServer(suite: Mocha.Context): void {
  if (spawnSync("redis-server", ["--version"]).status === 0) return;
  const problem = "redis-server is not installed (apt-get install -y redis-server)";
  if (process.env.CI === "true") throw new Error(problem);
  console.warn(`    Redis tests skipped: ${problem}`);
  suite.skip();
}

async function untilAnswers(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if (probe.status !== "ready") await probe.connect();
        if ((await probe.ping()) === "PONG") return;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`redis-server at ${url} did not answer`);
  } finally {
    probe.disconnect();
  }
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    await untilAnswers(url);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await launch();
  return {
    port,
    url,
    client: () => new Redis(url),
    cli: (...args) => spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).stdout.trim(),
    stop: kill,
    async restart() {
      await kill();
      await launch();
    },
    freeze(seconds) {
      spawn("redis-cli", ["-p", String(port), "DEBUG", "SLEEP", String(seconds)], { stdio: "ignore" });
    },
  };
}
