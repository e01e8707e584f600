import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { once } from "node:events";

/** A process the benchmark started: its PID, the tail of its output, and a stop that cannot leave it running. */
export interface Supervised {
  child: ChildProcess;
  pid: number;
  /** The last lines it printed (stdout and stderr), for diagnostics. */
  tail(): string;
  /** Lines that look like warnings or errors, counted over its whole life. */
  problems(): number;
  stop(graceMs?: number): Promise<void>;
}

const TAIL_LINES = 40;
const PROBLEM = /"level":"(warn|error)"|\b(warn|error)\b|Error:/i;
const live = new Set<ChildProcess>();

/** Kills whatever is still running when the benchmark itself ends, however it ends. */
export function killAllOnExit(): void {
  process.once("exit", () => {
    for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}

export function supervise(command: string, args: string[], options: SpawnOptions): Supervised {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const lines: string[] = [];
  let problems = 0;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      if (PROBLEM.test(line)) problems += 1;
      lines.push(line.slice(0, 400));
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  return {
    child,
    pid: child.pid!,
    tail: () => lines.join("\n"),
    problems: () => problems,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves when the process says "ready" over IPC (or prints `readyLine`); rejects if it exits or takes too long. */
export function whenReady(process: Supervised, timeoutMs: number, readyLine?: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`not ready within ${timeoutMs} ms:\n${process.tail()}`)), timeoutMs);
    const onMessage = (message: unknown) => message === "ready" && done();
    const onData = (chunk: Buffer) => readyLine?.test(chunk.toString("utf8")) && done();
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before it was ready:\n${process.tail()}`));
    const done = (error?: Error) => {
      clearTimeout(timer);
      process.child.off("message", onMessage).off("exit", onExit);
      process.child.stdout!.off("data", onData);
      if (error) reject(error);
      else resolve();
    };
    process.child.on("message", onMessage).once("exit", onExit);
    process.child.stdout!.on("data", onData);
  });
}
