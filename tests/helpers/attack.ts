import fs from "node:fs";
import { encode } from "@colyseus/schema";
import http from "node:http";

/** Resident and peak resident memory of a process, in bytes, from /proc. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

export interface StreamedAnswer {
  status: number;
  body: any;
  /** Bytes of the body the client had written when the answer came (or the connection ended). */
  sentBytes: number;
}

/**
 * POSTs a body of `totalBytes` in 1 MB chunks, honouring backpressure, and stops sending
 * as soon as the server answers or closes: what an attacker streaming a huge body does.
 * `declareLength: false` sends it chunked.
 */
export function streamBody(
  url: string,
  options: { totalBytes: number; declareLength: boolean; headers?: Record<string, string> },
): Promise<StreamedAnswer> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.declareLength ? { "content-length": String(options.totalBytes) } : {}),
        ...options.headers,
      },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (part) => (text += part));
      res.on("end", () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body, sentBytes });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(Object.assign(error, { sentBytes }));
    });
    const pump = () => {
      while (!answered && !req.destroyed && sentBytes < options.totalBytes) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered && !req.destroyed) req.end();
    };
    req.flushHeaders();
    pump();
  });
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
