import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { spawnRedisServer } from "../../scripts/redis-server.ts";
import { freePort } from "./process.ts";

/** A private redis-server on a free port, without persistence, that a test can stop, restart and freeze. */
export interface TestRedis {
  port: number;
  url: string;
  /** A fresh client of this server; the caller closes it. */
  client(): Redis;
  /** Kills the server; with `restart`, its data is gone (nothing is saved). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Makes the server stop answering for `seconds` (it stays connected); resolves once it no longer answers. */
  freeze(seconds: number): Promise<void>;
}

/** Skips the suite when redis-server is missing, except in CI (`CI=true`), where it fails. */
export function requireRedisServer(suite: Mocha.Context): void {
  if (spawnSync("redis-server", ["--version"]).status === 0) return;
  const problem = "redis-server is not installed (apt-get install -y redis-server)";
  if (process.env.CI === "true") throw new Error(problem);
  console.warn(`    Redis tests skipped: ${problem}`);
  suite.skip();
}

/**
 * One private Redis and a client of it for the calling suite: started before its tests, stopped
 * after them (the suite is skipped or failed as `requireRedisServer` says when redis-server is missing).
 */
export function privateRedis(suite: Mocha.Context): { readonly server: TestRedis; readonly client: Redis } {
  requireRedisServer(suite);
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  before(async () => {
    server = await startRedis();
    client = server.client();
  });
  after(async () => {
    client?.disconnect();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
  };
}

export async function startRedis(port?: number): Promise<TestRedis> {
  port ??= await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = await spawnRedisServer(port);
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
    stop: kill,
    async restart() {
      await kill();
      await launch();
    },
    async freeze(seconds) {
      const probe = new Redis(url, { lazyConnect: true, commandTimeout: 200, maxRetriesPerRequest: 0 });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        spawn("redis-cli", ["-p", String(port), "DEBUG", "SLEEP", String(seconds)], { stdio: "ignore" });
        for (;;) {
          const answered = await probe.ping().then(() => true, () => false);
          if (!answered) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        probe.disconnect();
      }
    },
  };
}
