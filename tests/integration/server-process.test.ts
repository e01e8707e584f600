import assert from "node:assert/strict";
import fs from "node:fs";
import { newAccount, request } from "../helpers/http.ts";
import { spawnServer } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";

describe("the server process", () => {
  it("finishes an in-flight request on SIGTERM, then exits 0", async () => {
    const dir = tempDir();
    const server = await spawnServer({ DATA_DIR: dir, LOG_DIR: `${dir}/logs`, BCRYPT_COST: "12" });
    try {
      const inFlight = request(server.baseUrl, "POST", "/api/auth/register", { body: newAccount() });
      await new Promise((r) => setTimeout(r, 50));
      server.child.kill("SIGTERM");
      const res = await inFlight;
      assert.equal(res.status, 201, "the request that was running when SIGTERM came completed");
      assert.equal(await server.exited, 0);
      assert.match(server.output(), /Pairline stopped/);
    } finally {
      server.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives back the young generation it grew while loading: /metrics shows it at its minimum once started", async () => {
    const dir = tempDir();
    const server = await spawnServer({ NODE_ENV: "production", JWT_SECRET: "x".repeat(64), METRICS_PUBLIC: "true", DATA_DIR: dir, LOG_DIR: `${dir}/logs` });
    try {
      const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
      const newSpace = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m.exec(metrics);
      assert.ok(newSpace, "the heap space sizes are in /metrics");
      // Loading the modules grows it to 32-64 MB; its minimum is 1 MB.
      assert.ok(Number(newSpace[1]) <= 4 * 2 ** 20, `new space ${Number(newSpace[1]) / 2 ** 20} MB`);
    } finally {
      server.child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start in production without a JWT secret, naming the variable", async () => {
    await assert.rejects(spawnServer({ NODE_ENV: "production", JWT_SECRET: "", DATA_DIR: tempDir() }), /JWT_SECRET: required in production/);
  });

  it("refuses to start on a bad value, naming the variable", async () => {
    await assert.rejects(spawnServer({ BCRYPT_COST: "many", DATA_DIR: tempDir() }), /BCRYPT_COST:/);
  });
});
