import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Imports every module of src/ and rooms/ (but the thread-pools' worker entry points, which are
 * meant to run when loaded) in a fresh process, and reports what importing them set going that
 * would last: timers (even unref'd ones), sockets, servers, watchers, threads.
 */
const probe = `
import { createHook } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
// Not PIPEWRAP: the standard streams are pipes here, opened by whoever writes first.
const LASTING = /^(Timeout|TCPWRAP|TCPSERVERWRAP|TCPCONNECTWRAP|PIPESERVERWRAP|PIPECONNECTWRAP|UDPWRAP|FSEVENTWRAP|STATWATCHER|SIGNALWRAP|WORKER|MESSAGEPORT|PROCESSWRAP)$/;
const started = [];
createHook({ init(_id, type) { if (LASTING.test(type)) started.push(type); } }).enable();
const { Encoder } = await import("@colyseus/schema");
const bufferSizeBefore = Encoder.BUFFER_SIZE;
const modules = ["src", "rooms"].flatMap((dir) => fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.endsWith("-worker.ts"));
for (const file of modules) await import(pathToFileURL(path.resolve(file)).href);
const { registry } = await import(pathToFileURL(path.resolve("src/metrics/index.ts")).href);
process.stdout.write(JSON.stringify({
  modules: modules.length,
  started,
  bufferSizeChanged: Encoder.BUFFER_SIZE !== bufferSizeBefore,
  runtimeMetrics: registry.getMetricsAsArray().map((m) => m.name).filter((n) => /^(nodejs|process)_/.test(n)),
}));
`;

describe("importing the code", () => {
  it("starts nothing: no timer, socket, watcher or thread, no engine setting, no runtime metrics", function () {
    this.timeout(120_000);
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 90_000,
      env: { ...process.env, NODE_ENV: "test" },
    });
    assert.equal(run.signal, null, `the process did not exit by itself\n${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    const seen = JSON.parse(run.stdout) as { modules: number; started: string[]; bufferSizeChanged: boolean; runtimeMetrics: string[] };
    assert.ok(seen.modules > 100, `imported only ${seen.modules} modules`);
    assert.deepEqual(seen.started, [], "importing started these");
    assert.equal(seen.bufferSizeChanged, false, "a module changed Encoder.BUFFER_SIZE at import");
    assert.deepEqual(seen.runtimeMetrics, [], "runtime metrics collected at import");
  });
});
