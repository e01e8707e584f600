import { randomBytes } from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Where uploads are received before they are checked and stored: one directory per
 * process start, `<pid>-<token>@<host>`, so that a start can tell what a stopped
 * process left (a crash mid-upload) from what a running one is receiving.
 */
const HOST = os.hostname().replace(/[^A-Za-z0-9.-]/g, "_");
const OWN = `${process.pid}-${randomBytes(4).toString("hex")}@${HOST}`;
const NAME = /^(\d+)-[0-9a-f]+@(.+)$/;

export function ownStagingDir(root: string): string {
  return path.join(root, OWN);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Only this host's processes can be asked; our own pid under another token is an earlier start (a restarted container). */
function ofStoppedProcess(name: string): boolean {
  const match = NAME.exec(name);
  if (!match || match[2] !== HOST) return false;
  const pid = Number(match[1]);
  return pid === process.pid || !isRunning(pid);
}

async function removeIfOlder(file: string, cutoff: number): Promise<void> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat || stat.mtimeMs >= cutoff) return;
  if (stat.isDirectory()) await fsp.rmdir(file).catch(() => undefined);
  else await fsp.rm(file, { force: true });
}

/**
 * Removes every staged file of a stopped process of this host. Of other hosts' and of
 * running processes' (and of the older, flat layout) only what is older than
 * `olderThanMs`, longer than any request may take.
 */
export async function sweepStaging(root: string, olderThanMs: number): Promise<void> {
  const cutoff = Date.now() - olderThanMs;
  for (const entry of await fsp.readdir(root, { withFileTypes: true }).catch(() => [])) {
    const at = path.join(root, entry.name);
    if (entry.name === OWN) continue;
    if (!entry.isDirectory()) {
      await removeIfOlder(at, cutoff);
    } else if (ofStoppedProcess(entry.name)) {
      await fsp.rm(at, { recursive: true, force: true });
    } else {
      for (const name of await fsp.readdir(at).catch(() => [])) await removeIfOlder(path.join(at, name), cutoff);
      await removeIfOlder(at, cutoff);
    }
  }
}
