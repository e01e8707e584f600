import WebSocket from "ws";

const MB = 2 ** 20;
const TIMEOUT_MS = 15_000;

/** The inspector's WebSocket of the process listening on `port` (its `/json/list`). */
async function debuggerUrl(port: number): Promise<string> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).json()) as Array<{ webSocketDebuggerUrl?: string }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  return url;
}

/**
 * The V8 heap a server process still holds right after a full garbage collection, in MB,
 * through its inspector (`launchTarget({ inspect: true })`): what is really kept, where
 * heap used at a random instant is mostly how far the collector has let garbage pile up.
 */
export async function heapAfterGcMb(inspectPort: number): Promise<number> {
  const socket = new WebSocket(await debuggerUrl(inspectPort));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    let nextId = 0;
    const call = (method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => reject(new Error(`${method} timed out`)), TIMEOUT_MS);
        const onMessage = (data: WebSocket.RawData) => {
          const reply = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
          if (reply.id !== id) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
          else resolve(reply.result ?? {});
        };
        socket.on("message", onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.getHeapUsage");
    return Number(usage.usedSize) / MB;
  } finally {
    socket.close();
  }
}
