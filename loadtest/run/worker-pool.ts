import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Command, FromWorker, Reply, TargetAddress } from "../bots/commands.ts";

const WORKER_ENTRY = path.join(import.meta.dirname, "../bots/worker.ts");

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void };

/** Bot worker processes; a command goes to all of them, each doing its share. */
export class WorkerPool {
  readonly #children: ChildProcess[] = [];
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  static async start(count: number, target: TargetAddress): Promise<WorkerPool> {
    const pool = new WorkerPool();
    await Promise.all(Array.from({ length: count }, () => pool.#spawn(target)));
    return pool;
  }

  get pids(): number[] {
    return this.#children.map((child) => child.pid!).filter(Boolean);
  }

  get size(): number {
    return this.#children.length;
  }

  /** Sends each worker its own command (e.g. its share of a count) and waits for every answer. */
  each<R extends Reply>(commandFor: (worker: number) => Command): Promise<R[]> {
    return Promise.all(this.#children.map((child, i) => this.#ask(child, commandFor(i)) as Promise<R>));
  }

  all<R extends Reply>(command: Command): Promise<R[]> {
    return this.each<R>(() => command);
  }

  /** Splits `total` as evenly as possible: worker i gets share(i). */
  share(total: number): (worker: number) => number {
    const base = Math.floor(total / this.size);
    const extra = total % this.size;
    return (worker) => base + (worker < extra ? 1 : 0);
  }

  /** Kills the workers; a profiled worker gets SIGTERM, so that it can write its profile on the way out. */
  stop(): void {
    const signal = process.env.BENCH_PROFILE_BOTS ? "SIGTERM" : "SIGKILL";
    for (const child of this.#children) if (child.exitCode === null) child.kill(signal);
    for (const pending of this.#pending.values()) pending.reject(new Error("worker pool stopped"));
    this.#pending.clear();
  }

  #spawn(target: TargetAddress): Promise<void> {
    const profile = process.env.BENCH_PROFILE_BOTS ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_BOTS}`] : [];
    const child = fork(WORKER_ENTRY, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: ["--max-old-space-size=4096", ...profile] });
    this.#children.push(child);
    child.on("message", (message: FromWorker) => {
      if ("ready" in message) return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if ("error" in message) pending.reject(new Error(`worker ${child.pid}: ${message.error}`));
      else pending.resolve(message.reply);
    });
    child.on("exit", (code, signal) => {
      for (const [id, pending] of this.#pending) {
        pending.reject(new Error(`worker ${child.pid} exited (${code ?? signal})`));
        this.#pending.delete(id);
      }
    });
    return new Promise((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("error", reject);
      child.send({ init: target });
    });
  }

  #ask(child: ChildProcess, command: Command): Promise<Reply> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      child.send({ id, command });
    });
  }
}
