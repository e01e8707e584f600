import fs from "node:fs";
import { encode } from "@colyseus/schema";
import net from "node:net";

/** Resident and peak resident memory of a process, in bytes, from /proc. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/**
 * The process's memory now, with its peak (`VmHWM`) reset to it, so that a later
 * `processMemory(pid).peak` is the peak since this call, not since the process started (a
 * server gives back, once started, the memory its start peaked at).
 */
export function memoryFromNow(pid: number): { rss: number; peak: number } {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // not allowed here: the peak stays the one since the start, an overestimate
  }
  return processMemory(pid);
}

export interface StreamedAnswer {
  status: number;
  body: any;
  /** Bytes of the body the client had written when the answer came (or the connection ended). */
  sentBytes: number;
}

/**
 * POSTs a body of `totalBytes` in 1 MB chunks over a raw socket, honouring backpressure, and
 * stops sending as soon as the server answers or closes: what an attacker streaming a huge
 * body does. `declareLength: false` sends it chunked. A raw socket, because an HTTP client
 * may report its failed write instead of the answer that came first (Bun's does).
 */
export function streamBody(
  url: string,
  options: { totalBytes: number; declareLength: boolean; headers?: Record<string, string> },
): Promise<StreamedAnswer> {
  const { hostname, port, pathname, search } = new URL(url);
  const head = [
    `POST ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Content-Type: application/json",
    options.declareLength ? `Content-Length: ${options.totalBytes}` : "Transfer-Encoding: chunked",
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ].join("\r\n");
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const piece = options.declareLength ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let received = Buffer.alloc(0);
    const socket = net.connect(Number(port), hostname);
    const answer = () => parseAnswer(received);
    const finish = () => {
      const parsed = answer();
      socket.destroy();
      if (parsed) resolve({ ...parsed, sentBytes });
      else reject(Object.assign(new Error(`the connection ended without an answer after ${sentBytes} bytes`), { sentBytes }));
    };
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (answer()?.complete) finish();
    });
    socket.on("error", finish);
    socket.on("end", finish);
    const pump = () => {
      while (received.length === 0 && !socket.destroyed && sentBytes < options.totalBytes) {
        sentBytes += chunk.length;
        if (!socket.write(piece)) return void socket.once("drain", pump);
      }
      if (received.length === 0 && !socket.destroyed && !options.declareLength) socket.write("0\r\n\r\n");
    };
    socket.on("connect", () => {
      socket.write(`${head}\r\n\r\n`);
      pump();
    });
  });
}

/** The status and JSON body of an HTTP answer (Content-Length framed), once its head has arrived. */
function parseAnswer(bytes: Buffer): { status: number; body: any; complete: boolean } | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const head = bytes.subarray(0, end).toString("latin1");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? NaN);
  const text = bytes.subarray(end + 4).toString("utf8");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status, body, complete: bytes.length - end - 4 >= length };
}

/**
 * A Colyseus client frame: `[code, requestId?, type, msgpack payload]`, the payload
 * given as raw bytes so a test can send it truncated or malformed.
 */
export function roomFrame(code: number, type: string | number, payload: Uint8Array = new Uint8Array(), requestId?: number): Buffer {
  const head = new Uint8Array(16 + Buffer.byteLength(String(type)) * 2);
  const it = { offset: 0 };
  encode.uint8(head, code, it);
  if (requestId !== undefined) encode.number(head, requestId, it);
  if (typeof type === "string") encode.string(head, type, it);
  else encode.number(head, type, it);
  return Buffer.concat([head.subarray(0, it.offset), payload]);
}

/** Resolves once `condition` holds, polling every 10 ms, or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
