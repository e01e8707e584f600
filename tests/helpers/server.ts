import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startServer, type RunningServer } from "../../src/server.ts";

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

/** Boots the real server on a free port with its own data directory and quiet logs. */
export async function bootServer(env: Record<string, string> = {}, options: { keepData?: boolean } = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDir();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    BCRYPT_COST: "4",
    DATA_DIR: dataDir,
    ...GENEROUS_RATE_LIMITS,
    ...EASY_GUEST_CHALLENGE,
    ...env,
  });
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
