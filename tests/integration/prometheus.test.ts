import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ChatClientMessage, ChatServerMessage } from "../../rooms/protocol.ts";
import { request } from "../helpers/http.ts";
import { ROOT } from "../helpers/process.ts";
import { chattingPair, say } from "../helpers/realtime.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";
import { requireTool } from "../helpers/tools.ts";

const DASHBOARD = path.join(ROOT, "ops/grafana-dashboard.json");

/** The metric families of an exposition text, by their `# TYPE` lines. */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
}

/** Every metric a PromQL expression reads (a histogram's _bucket/_sum/_count counted as the histogram). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:pairline|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ""));
}

describe("Prometheus exposition", function () {
  let server: TestServer;
  let text: string;
  before(async () => {
    server = await bootServer();
    // Traffic of every kind, so that labelled series exist too.
    const [a, b] = await chattingPair(server.baseUrl);
    await say(a, "hello");
    a.room.send(ChatClientMessage.CallStats, { outcome: "direct" });
    a.room.send(ChatClientMessage.Message, { type: "text", content: 42 });
    await a.inbox.next(ChatServerMessage.Error);
    await request(server.baseUrl, "POST", "/api/auth/register", { body: { username: "x" } });
    await Promise.all([a.room.leave(), b.room.leave()]);
    text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  });
  after(() => server?.stop());

  it("keeps Node's standard metric names, so stock Node.js dashboards work", () => {
    const names = families(text);
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes", "nodejs_gc_duration_seconds"]) {
      assert.ok(names.has(name), `${name} is exposed`);
    }
    assert.ok(![...names].some((name) => name.startsWith("pairline_process_") || name.startsWith("pairline_nodejs_")));
  });

  it("every metric the shipped Grafana dashboard queries exists", () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const names = families(text);
    const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((t) => metricsIn(t.expr).map((metric) => ({ panel: panel.title, metric }))));
    assert.ok(queried.length >= 10);
    const missing = queried.filter(({ metric }) => !names.has(metric));
    assert.deepEqual(missing, []);
    const pairline = [...names].filter((name) => name.startsWith("pairline_"));
    const shown = new Set(queried.map((q) => q.metric));
    assert.deepEqual(pairline.filter((name) => !shown.has(name)), [], "every Pairline metric has a panel");
  });

  describe("promtool check metrics", function () {
    requireTool(this.ctx, "promtool", ["--version"], "prometheus");

    it("finds nothing to complain about", () => {
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
      assert.equal(`${check.stdout}${check.stderr}`.trim(), "");
    });
  });
});
