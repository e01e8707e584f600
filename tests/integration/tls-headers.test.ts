import assert from "node:assert/strict";
import { bootServer, bootServerProcess, type TestServerProcess } from "../helpers/server.ts";

const STRONG_SECRET = "k3N9vQ2xL7pR4tW8yZ1cF6hJ0mB5nD2s";

/** The two headers that send a browser to HTTPS: harmful on a page served over plain HTTP. */
async function httpsHeaders(server: TestServerProcess, forwardedProto?: string): Promise<{ hsts: boolean; upgrade: boolean }> {
  const res = await fetch(`${server.baseUrl}/`, { headers: forwardedProto ? { "x-forwarded-proto": forwardedProto } : {} });
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/, "the Content-Security-Policy itself is always sent");
  return { hsts: res.headers.has("strict-transport-security"), upgrade: csp.includes("upgrade-insecure-requests") };
}

describe("HTTPS-only headers (HSTS, upgrade-insecure-requests)", () => {
  const servers: TestServerProcess[] = [];
  const boot = async (env: Record<string, string>) => {
    const server = await (env.NODE_ENV === "development" ? bootServerProcess : bootServer)(env);
    servers.push(server);
    return server;
  };
  after(async () => {
    for (const server of servers) await server.stop();
  });

  it("are absent over plain HTTP in development, so the demo page works on a LAN address", async () => {
    const server = await boot({ NODE_ENV: "development" });
    assert.deepEqual(await httpsHeaders(server), { hsts: false, upgrade: false });
    assert.deepEqual(await httpsHeaders(server, "https"), { hsts: false, upgrade: false }, "an untrusted X-Forwarded-Proto changes nothing");
  });

  it("are sent behind a trusted TLS proxy, and not when the proxy says the request was plain HTTP", async () => {
    const server = await boot({ NODE_ENV: "production", JWT_SECRET: STRONG_SECRET, METRICS_PUBLIC: "true", TRUST_PROXY: "loopback" });
    assert.deepEqual(await httpsHeaders(server, "https"), { hsts: true, upgrade: true });
    assert.deepEqual(await httpsHeaders(server, "http"), { hsts: false, upgrade: false });
  });

  it("are sent in production when no trusted proxy can tell (TLS is assumed in front)", async () => {
    const server = await boot({ NODE_ENV: "production", JWT_SECRET: STRONG_SECRET, METRICS_PUBLIC: "true" });
    assert.deepEqual(await httpsHeaders(server), { hsts: true, upgrade: true });
  });
});
