/**
 * `npm run dev:cluster`: several Pairline processes on one machine, as in production,
 * for development. CLUSTER_SIZE processes (2 by default) on PORT, PORT + 1, … (3001
 * on), each restarted when a file under src/ or rooms/ changes, all sharing REDIS_URL
 * (a private redis-server on PORT + 1000 when it is unset) and one DATA_DIR. Their
 * output is prefixed with their port. Ctrl-C drains every process, then stops Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { spawnRedisServer } from "./redis-server.ts";

const root = path.resolve(import.meta.dirname, "..");
const size = Number(process.env.CLUSTER_SIZE ?? 2);
const basePort = Number(process.env.PORT ?? 3001);

function relay(child: ChildProcess, label: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on("line", (line) => console.log(`[${label}] ${line}`));
  }
}

const whenExited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));

let redis: ChildProcess | undefined;
let redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  const port = basePort + 1000;
  redis = await spawnRedisServer(port);
  redisUrl = `redis://127.0.0.1:${port}`;
  console.log(`[cluster] private Redis at ${redisUrl}`);
}

const processes = Array.from({ length: size }, (_, i) => {
  const port = basePort + i;
  const child = spawn(
    process.execPath,
    ["--env-file-if-exists=.env", "--watch-path=src", "--watch-path=rooms", "src/server.ts"],
    {
      cwd: root,
      env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port), PUBLIC_ADDRESS: `localhost:${port}` },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  relay(child, String(port));
  return child;
});
console.log(`[cluster] ${size} processes on http://localhost:${basePort}…${basePort + size - 1}; Ctrl-C stops them`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("[cluster] stopping");
  for (const child of processes) child.kill("SIGINT");
  await Promise.all(processes.map(whenExited));
  if (redis) {
    redis.kill("SIGTERM");
    await whenExited(redis);
  }
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
