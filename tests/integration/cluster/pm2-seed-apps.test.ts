import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { request } from "../../helpers/http.ts";
import { ROOT } from "../../helpers/process.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../../helpers/redis.ts";
import { tempDir } from "../../helpers/server.ts";
import { eventually } from "../../helpers/eventually.ts";

const run = promisify(execFile);
const PM2 = path.join(ROOT, "node_modules/pm2/bin/pm2");
const STRONG_SECRET = "k3N9vQ2xL7pR4tW8yZ1cF6hJ0mB5nD2s-pm2";
/** What a deployment holds: the sources and the PM2 files, with node_modules linked (never copied). */
const PROJECT_FILES = ["ecosystem.config.js", "package.json", "scripts", "src", "rooms", "public"];

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** A first port such that it and the next count - 1 ports are free. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
}

interface Pm2App {
  name: string;
  pm2_env: { status: string; exec_mode: string; PORT?: string };
}

describe("PM2: the seed's app names, and .env", function () {
  requireRedisServer(this.ctx);
  this.timeout(120_000);
  let redis: TestRedis;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const pm2 = (...args: string[]) => run(process.execPath, [PM2, ...args], { cwd: project, env, timeout: 90_000 });
  const list = async () => JSON.parse((await pm2("jlist")).stdout) as Pm2App[];
  const healthy = (base: number, count: number) =>
    eventually(async () => {
      for (let i = 0; i < count; i++) assert.equal((await request(`http://127.0.0.1:${base + i}`, "GET", "/health")).status, 200);
    }, 30_000);

  before(async () => {
    redis = await startRedis();
    project = tempDir("pairline-pm2-project-");
    for (const file of PROJECT_FILES) fs.cpSync(path.join(ROOT, file), path.join(project, file), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    // The environment of `pm2 start` has none of Pairline's variables: they come from .env.
    env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(PORT|NODE_ENV|JWT_SECRET|REDIS_URL|DATA_DIR|LOG_.*|HOST|PUBLIC_ADDRESS|PAIRLINE_.*)$/.test(name)),
    );
    env.PM2_HOME = path.join(project, ".pm2");
  });
  afterEach(async () => {
    await pm2("delete", "all").catch(() => undefined);
  });
  after(async () => {
    await pm2("kill").catch(() => undefined);
    await redis?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  function writeDotEnv(port: number): void {
    fs.writeFileSync(
      path.join(project, ".env"),
      [
        "NODE_ENV=development",
        `PORT=${port}`,
        "HOST=127.0.0.1",
        `JWT_SECRET=${STRONG_SECRET}`,
        // Production also refuses /metrics open to anyone.
        `METRICS_TOKEN=${"m".repeat(24)}`,
        `REDIS_URL=${redis.url}`,
        `DATA_DIR=${path.join(project, "data")}`,
        `LOG_DIR=${path.join(project, "logs")}`,
        "LOG_LEVEL=info",
        "BCRYPT_COST=4",
        "",
      ].join("\n"),
    );
  }

  it("`--only realtime-chat-dev --env production` reads .env (its secret and port), and logs to stdout with the instance", async () => {
    const port = await freePorts(1);
    writeDotEnv(port);
    await pm2("start", "ecosystem.config.js", "--only", "realtime-chat-dev", "--env", "production");
    assert.deepEqual((await list()).map((app) => [app.name, app.pm2_env.exec_mode]), [["realtime-chat-dev", "fork_mode"]]);
    // Production refuses the example secret: answering at all proves JWT_SECRET (and PORT) came from .env.
    await healthy(port, 1);

    const out = path.join(env.PM2_HOME!, "logs", "realtime-chat-dev-out.log");
    await eventually(() => assert.match(fs.readFileSync(out, "utf8"), /Pairline listening/), 10_000);
    const listening = fs
      .readFileSync(out, "utf8")
      .split("\n")
      .filter((line) => line.includes("Pairline listening"))
      .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
    assert.equal(listening.length, 1);
    // PM2's environment (--env production) wins over .env's NODE_ENV=development; the line names the instance.
    assert.deepEqual([listening[0]!.env, listening[0]!.instance, listening[0]!.port], ["production", 0, port]);
  });

  it("`--only realtime-chat-load-balanced` starts three instances on consecutive ports", async () => {
    const base = await freePorts(3);
    writeDotEnv(base);
    await pm2("start", "ecosystem.config.js", "--only", "realtime-chat-load-balanced");
    const apps = await list();
    assert.deepEqual(apps.map((app) => [app.name, app.pm2_env.status, app.pm2_env.exec_mode]), Array(3).fill(["realtime-chat-load-balanced", "online", "fork_mode"]));
    await healthy(base, 3);
    const stats = await request(`http://127.0.0.1:${base}`, "GET", "/api/socket/stats");
    await eventually(async () => {
      const again = await request(`http://127.0.0.1:${base}`, "GET", "/api/socket/stats");
      assert.equal(again.body.data.service.processes, 3, "one service through Redis");
    }, 10_000);
    assert.equal(stats.status, 200);
  });

  it("`--only realtime-chat-prod` starts one instance per core (PAIRLINE_INSTANCES here), each answering", async () => {
    const base = await freePorts(2);
    writeDotEnv(base);
    env.PAIRLINE_INSTANCES = "2";
    try {
      await pm2("start", "ecosystem.config.js", "--only", "realtime-chat-prod");
    } finally {
      delete env.PAIRLINE_INSTANCES;
    }
    assert.deepEqual((await list()).map((app) => [app.name, app.pm2_env.exec_mode]), Array(2).fill(["realtime-chat-prod", "fork_mode"]));
    await healthy(base, 2);
  });

  it("a bare `pm2 start ecosystem.config.js` starts `pairline` alone (the seed's apps share its ports)", async () => {
    const base = await freePorts(1);
    writeDotEnv(base);
    env.PAIRLINE_INSTANCES = "1";
    try {
      await pm2("start", "ecosystem.config.js");
    } finally {
      delete env.PAIRLINE_INSTANCES;
    }
    assert.deepEqual((await list()).map((app) => app.name), ["pairline"]);
    await healthy(base, 1);
  });
});
