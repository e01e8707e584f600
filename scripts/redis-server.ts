import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";

/**
 * A private redis-server on `port`, keeping nothing on disk (for development and
 * tests, never a shared one); resolves once it answers.
 */
export async function spawnRedisServer(port: number): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "local"];
  const child = spawn("redis-server", args, { stdio: "ignore" });
  const failed = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code} (is port ${port} taken?)`)));
  });
  try {
    await Promise.race([untilAnswers(`redis://127.0.0.1:${port}`), failed]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  failed.catch(() => undefined);
  return child;
}

async function untilAnswers(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server at ${url} did not answer`);
}
