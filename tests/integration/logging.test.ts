import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { newAccount, request } from "../helpers/http.ts";
import { bootServer, tempDir } from "../helpers/server.ts";

async function readLogs(dir: string, file: string): Promise<string> {
  // winston writes files asynchronously; wait until what we logged has landed.
  for (let i = 0; i < 50; i++) {
    const target = path.join(dir, file);
    if (fs.existsSync(target) && fs.statSync(target).size > 0) {
      await new Promise((r) => setTimeout(r, 100));
      return fs.readFileSync(target, "utf8");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return "";
}

describe("logs", () => {
  it("write JSON lines with a request id to combined.log and never a password or token", async () => {
    const logDir = tempDir("pairline-logs-");
    const server = await bootServer({ LOG_DIR: logDir, LOG_CONSOLE: "false", LOG_LEVEL: "http", NODE_ENV: "production", JWT_SECRET: "x".repeat(40), METRICS_PUBLIC: "true" });
    try {
      const account = newAccount();
      const registered = await request(server.baseUrl, "POST", "/api/auth/register", {
        body: account,
        headers: { "x-request-id": "req-under-test-1" },
      });
      const token = registered.body.data.token as string;
      await request(server.baseUrl, "GET", `/api/auth/me?token=${token}`, { token });
      await server.close();

      const combined = await readLogs(logDir, "combined.log");
      const lines = combined.trim().split("\n").map((line) => JSON.parse(line));
      const access = lines.filter((l) => l.message === "request");
      assert.ok(access.length >= 2, "one access line per request");
      for (const line of access) assert.ok(line.requestId, "every HTTP line carries a request id");
      assert.ok(access.some((l) => l.requestId === "req-under-test-1" && l.status === 201));
      assert.ok(access.some((l) => l.path === "/api/auth/me"), "query strings are stripped from paths");
      assert.ok(!combined.includes(account.password), "no password in logs");
      assert.ok(!combined.includes(token), "no token in logs");
    } finally {
      await server.stop();
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  });

  it("write errors to error.log without leaking them to the client", async () => {
    const logDir = tempDir("pairline-logs-");
    const server = await bootServer({ LOG_DIR: logDir, LOG_CONSOLE: "false", LOG_LEVEL: "info" });
    try {
      await server.services.close();
      const res = await request(server.baseUrl, "POST", "/api/auth/register", { body: newAccount() });
      assert.equal(res.status, 500);
      assert.ok(!JSON.stringify(res.body).includes("database"), "no internals in the response");
      const errors = await readLogs(logDir, "error.log");
      assert.match(errors, /Unhandled error/);
      assert.match(errors, /"stack":"Error: /, "the stack is in the log");
    } finally {
      await server.stop();
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  });
});
