import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  openFileLimit: string;
  loadAverage: number[];
  commit: string;
  /** Files changed in the working tree but not committed, when the run used the working tree. */
  dirty: boolean;
  packages: Record<string, string>;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

function installedVersion(root: string, name: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version as string;
  } catch {
    return "not installed";
  }
}

function openFileLimit(): string {
  const limits = fs.readFileSync("/proc/self/limits", "utf8");
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  return line ? line.replace("Max open files", "").trim().split(/\s+/)[0]! : "unknown";
}

/** What the figures were measured on, and from which code. */
export function describeMachine(root: string, pairlineRoot: string): Machine {
  const commit = git(pairlineRoot, ["rev-parse", "--short", "HEAD"]) || path.basename(pairlineRoot);
  const dirty = git(pairlineRoot, ["status", "--porcelain", "--", "src", "rooms"]) !== "";
  return {
    date: new Date().toISOString(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    openFileLimit: openFileLimit(),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    commit,
    dirty,
    packages: Object.fromEntries(
      ["@colyseus/core", "@colyseus/ws-transport", "@colyseus/sdk", "@colyseus/schema", "ws", "@colyseus/redis-presence", "@colyseus/redis-driver"].map(
        (name) => [name, installedVersion(root, name)],
      ),
    ),
  };
}
