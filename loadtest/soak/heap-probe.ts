/**
 * Preloaded by the soak into each server process it starts (never by a deployment, never
 * on a port): asked over the IPC channel the soak holds to the process, it forces a full
 * garbage collection and answers with the heap left, in MB.
 *
 * - Node: the inspector's `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`'s
 *   `usedSize` (the V8 heap used), through an in-process session: the same calls the soak
 *   made over the inspector's WebSocket before, so hours measured either way compare.
 * - Bun: `Bun.gc(true)` (a synchronous full collection of JavaScriptCore's heap), then
 *   `process.memoryUsage().heapUsed`, the figure Bun's /metrics reports as heap used.
 */
import { HEAP_AFTER_GC, type HeapAfterGcAnswer } from "./heap-after-gc.ts";

const MB = 2 ** 20;
const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;

async function collectAndMeasureMb(): Promise<number> {
  if (bun) {
    bun.gc(true);
    return process.memoryUsage().heapUsed / MB;
  }
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  try {
    await session.post("HeapProfiler.collectGarbage");
    // Not in @types/node's list of methods, though V8 has it.
    const usage = (await session.post("Runtime.getHeapUsage" as never)) as unknown as { usedSize: number };
    return usage.usedSize / MB;
  } finally {
    session.disconnect();
  }
}

function answerHeapRequests(): void {
  if (!process.send) return;
  process.on("message", (message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (request?.type !== HEAP_AFTER_GC || typeof request.id !== "number") return;
    const id = request.id;
    const answer = (fields: Pick<HeapAfterGcAnswer, "mb" | "error">) => process.send?.({ type: HEAP_AFTER_GC, id, ...fields } satisfies HeapAfterGcAnswer);
    collectAndMeasureMb().then(
      (mb) => answer({ mb }),
      (error: unknown) => answer({ error: String(error) }),
    );
  });
  // Listening must not keep the process alive by itself (see exit-with-parent.ts).
  process.channel?.unref();
}

answerHeapRequests();
