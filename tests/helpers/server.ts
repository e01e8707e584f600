import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { spawnServer } from "./process.ts";

export interface TestServer extends RunningServer {
  baseUrl: string;
  dataDir: string;
  /** Closes the server and removes its data directory. */
  stop(): Promise<void>;
}

export function tempDir(prefix = "pairline-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Suites that are not about rate limits make many requests from one address; the limits have their own tests. */
const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_AUTH_MAX: "1000000",
  RATE_LIMIT_API_MAX: "1000000",
  RATE_LIMIT_UPLOAD_MAX: "1000000",
  RATE_LIMIT_MATCHMAKE_MAX: "1000000",
  RATE_LIMIT_ADMIN_MAX: "1000000",
};

/** An easy guest challenge (a few milliseconds) for suites that are not about it; its own suite uses the default. */
export const EASY_GUEST_CHALLENGE = { GUEST_CHALLENGE_MAX_NUMBER: "200" };

/** What `bootServer` and `bootServerProcess` give every server unless told otherwise. */
const TEST_ENV = { NODE_ENV: "test", HOST: "127.0.0.1", LOG_LEVEL: "silent", BCRYPT_COST: "4", ...GENEROUS_RATE_LIMITS, ...EASY_GUEST_CHALLENGE };

/**
 * Boots the real server on a free port with its own data directory and quiet logs. Not in
 * development: there the playground patches Colyseus for the whole process (every room then sends
 * each client joining it `__playground_message_types`), and that would reach every later suite.
 */
export async function bootServer(env: Record<string, string> = {}, options: { keepData?: boolean } = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDir();
  const config = loadConfig({ ...TEST_ENV, PORT: "0", DATA_DIR: dataDir, ...env });
  if (config.env === "development") throw new Error("bootServer: a development server patches Colyseus for the whole process; use bootServerProcess");
  const server = await startServer(config);
  return {
    ...server,
    baseUrl: `http://127.0.0.1:${server.port}`,
    dataDir,
    async stop() {
      await server.close();
      if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server in a process of its own: reached over the network only. */
export interface TestServerProcess {
  baseUrl: string;
  /** Stops the process (SIGTERM) and removes its data directory. */
  stop(): Promise<void>;
}

/** The real server in a process of its own (what `npm start` runs), with `bootServer`'s test settings: for development mode. */
export async function bootServerProcess(env: Record<string, string> = {}): Promise<TestServerProcess> {
  const dataDir = tempDir();
  const server = await spawnServer({ ...TEST_ENV, LOG_LEVEL: "warn", DATA_DIR: dataDir, LOG_DIR: path.join(dataDir, "logs"), ...env });
  return {
    baseUrl: server.baseUrl,
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGTERM");
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
