import v8 from "node:v8";
import vm from "node:vm";

type Gc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * Gives back what loading the modules left behind. Loading keeps most of what it allocates, so
 * V8 grows the young generation while the server starts (32-64 MB against bare Colyseus's 16) and
 * keeps its pages once they are empty; its last-resort collection shrinks the young generation to
 * its minimum and returns the freed pages to the system. Under load the young generation grows
 * again as V8 sees fit. Node only: Bun's heap has no such pages to return.
 */
export function releaseStartupMemory(): boolean {
  if (process.versions.bun || !process.versions.v8) return false;
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as Gc;
  v8.setFlagsFromString("--no-expose-gc");
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
  return true;
}
