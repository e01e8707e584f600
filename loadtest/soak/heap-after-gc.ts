import type { ChildProcess } from "node:child_process";
import path from "node:path";

/** The module the soak preloads into its server processes (`launchTarget({ preload })`) to answer `heapAfterGcMb`. */
export const HEAP_PROBE = path.join(import.meta.dirname, "heap-probe.ts");

/** The IPC message of a request (`{ type, id }`) and of its answer (`{ type, id, mb }` or `{ type, id, error }`). */
export const HEAP_AFTER_GC = "pairline:heap-after-gc";

export interface HeapAfterGcAnswer {
  type: typeof HEAP_AFTER_GC;
  id: number;
  mb?: number;
  error?: string;
}

const TIMEOUT_MS = 15_000;
let nextId = 0;

/**
 * The heap a server process still holds right after a full garbage collection, in MB,
 * asked over the IPC channel the soak holds to it (its `HEAP_PROBE` answers): what is
 * really kept, where heap used at a random instant is mostly how far the collector has
 * let garbage pile up. See `HEAP_PROBE` for what each runtime collects and measures.
 */
export function heapAfterGcMb(server: ChildProcess): Promise<number> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no heap after GC from process ${server.pid} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const onMessage = (message: unknown) => {
      const answer = message as Partial<HeapAfterGcAnswer> | null;
      if (answer?.type !== HEAP_AFTER_GC || answer.id !== id) return;
      if (typeof answer.mb === "number") done(undefined, answer.mb);
      else done(new Error(`process ${server.pid} could not collect: ${answer.error ?? "no figure"}`));
    };
    const onExit = () => done(new Error(`process ${server.pid} exited before it answered`));
    const done = (error?: Error, mb?: number) => {
      clearTimeout(timer);
      server.off("message", onMessage).off("exit", onExit);
      if (error) reject(error);
      else resolve(mb!);
    };
    server.on("message", onMessage).once("exit", onExit);
    server.send({ type: HEAP_AFTER_GC, id }, (error) => error && done(error));
  });
}
