import fs from "node:fs";
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
