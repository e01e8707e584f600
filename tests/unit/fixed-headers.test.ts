import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import { readClientIpOnce } from "../../src/http/client-ip.ts";
import { fixedHeaders } from "../../src/http/fixed-headers.ts";

/** Serves `GET /` through `middleware` once and answers the response headers (less the date) and the body. */
async function served(middleware: RequestHandler, trustProxy: unknown = false, headers: Record<string, string> = {}) {
  const app = express();
  app.set("trust proxy", trustProxy);
  app.use(middleware);
  app.get("/", (req, res) => void res.json({ ip: req.ip, again: req.ip }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers });
    const sent = Object.fromEntries([...res.headers].filter(([name]) => name !== "date"));
    return { headers: sent, body: (await res.json()) as { ip: string; again: string } };
  } finally {
    server.close();
  }
}

describe("helmet's headers, set in one call", () => {
  it("are the headers helmet itself sets, for the options Pairline uses", async () => {
    const variants: Array<Parameters<typeof helmet>[0]> = [
      { contentSecurityPolicy: { directives: { connectSrc: ["'self'"], imgSrc: ["'self'", "data:", "blob:"] } } },
      { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, strictTransportSecurity: false },
    ];
    for (const options of variants) {
      const replayed = await served(fixedHeaders(helmet(options)));
      const direct = await served(helmet(options));
      assert.deepEqual(replayed.headers, direct.headers);
      assert.ok("content-security-policy" in replayed.headers);
    }
  });

  it("refuse a middleware that does not finish at once (one whose headers may depend on the request)", () => {
    assert.throws(() => fixedHeaders((_req, _res, next) => void setImmediate(next)));
  });
});

describe("the client address, read once per request", () => {
  const forged = { "x-forwarded-for": "203.0.113.9" };

  it("is the socket's when no proxy is trusted, whatever X-Forwarded-For claims", async () => {
    for (const trust of [false, 0]) {
      const { body } = await served(readClientIpOnce(trust), trust, forged);
      assert.deepEqual(body, { ip: "127.0.0.1", again: "127.0.0.1" });
    }
  });

  it("is the forwarded one when the proxy it came through is trusted", async () => {
    const { body } = await served(readClientIpOnce("loopback"), "loopback", forged);
    assert.deepEqual(body, { ip: "203.0.113.9", again: "203.0.113.9" });
  });
});
