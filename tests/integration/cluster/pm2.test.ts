import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ChatServerMessage } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { freePort, ROOT } from "../../helpers/process.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../../helpers/redis.ts";
import { askForMatch, enterLobby, newUser, say, takeSeat } from "../../helpers/realtime.ts";
import { tempDir } from "../../helpers/server.ts";
import { eventually } from "../../helpers/eventually.ts";

const run = promisify(execFile);
const PM2 = path.join(ROOT, "node_modules/pm2/bin/pm2");

/** A base port whose next port is free too (PM2 gives instance i the port base + i). */
async function twoFreePorts(): Promise<number> {
  for (;;) {
    const base = await freePort();
    const next = await freePort();
    if (next === base + 1 || (await canListen(base + 1))) return base;
  }
}

async function canListen(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("PM2: ecosystem.config.js starts one service", function () {
  requireRedisServer(this.ctx);
  this.timeout(60_000);
  let redis: TestRedis;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const pm2 = (...args: string[]) => run(process.execPath, [PM2, ...args], { cwd: ROOT, env, timeout: 40_000 });

  before(async () => {
    redis = await startRedis();
    home = tempDir("pairline-pm2-");
  });
  after(async () => {
    if (env) await pm2("kill").catch(() => undefined);
    await redis?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it("runs two instances on consecutive ports, and users of each are matched with each other", async () => {
    const base = await twoFreePorts();
    env = {
      ...process.env,
      PM2_HOME: path.join(home, "pm2"),
      PAIRLINE_INSTANCES: "2",
      PORT: String(base),
      HOST: "127.0.0.1",
      PUBLIC_ADDRESS: "127.0.0.1:{port}",
      REDIS_URL: redis.url,
      DATA_DIR: path.join(home, "data"),
      LOG_DIR: path.join(home, "logs"),
      LOG_LEVEL: "warn",
      BCRYPT_COST: "4",
    };
    await pm2("start", "ecosystem.config.js");
    const listed = JSON.parse((await pm2("jlist")).stdout) as Array<{ pid: number; pm2_env: { status: string; exec_mode: string } }>;
    assert.deepEqual(listed.map((app) => [app.pm2_env.status, app.pm2_env.exec_mode]), [["online", "fork_mode"], ["online", "fork_mode"]]);
    // PAIRLINE_RUNTIME picks the interpreter (the Bun suite sets it): each instance is that program.
    const runtime = process.env.PAIRLINE_RUNTIME === "bun" ? /^bun(\.exe)?$/ : /^node$/;
    for (const app of listed) assert.match(path.basename(fs.readlinkSync(`/proc/${app.pid}/exe`)), runtime);
    const urls = [base, base + 1].map((port) => `http://127.0.0.1:${port}`);
    await eventually(async () => {
      for (const url of urls) assert.equal((await request(url, "GET", "/ready")).status, 200);
    }, 20_000);

    const users = await Promise.all(urls.map((url) => newUser(url)));
    const sessions = await Promise.all(users.map((user) => enterLobby(user)));
    const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
    assert.equal(matched[0]!.matchedUser.id, users[1]!.id);
    assert.ok([`127.0.0.1:${base}`, `127.0.0.1:${base + 1}`].includes(matched[0]!.reservation.publicAddress!));
    const [a, b] = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
    const sent = await say(a!, "hello from another instance");
    assert.equal((await b!.inbox.next(ChatServerMessage.Message)).id, sent.id);
    await Promise.all([a!.room.leave(), b!.room.leave()]);
  });
});
