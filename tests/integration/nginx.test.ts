import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ChatServerMessage } from "../../rooms/protocol.ts";
import { request } from "../helpers/http.ts";
import { NGINX, startNginx, type TestNginx } from "../helpers/nginx.ts";
import { freePort, ROOT, spawnServer, type ServerProcess } from "../helpers/process.ts";
import { askForMatch, enterLobby, newUser, say, takeSeat } from "../helpers/realtime.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";
import { bootServer, tempDir, type TestServer } from "../helpers/server.ts";
import { requireTool } from "../helpers/tools.ts";

/** Registers through `url`, then two guests are matched and chat, every request and WebSocket through `url`. */
async function registerMatchAndChat(url: string) {
  const registered = await request(url, "POST", "/api/auth/register", {
    body: { username: `nginx_${Date.now() % 1e9}`, email: `n${Date.now()}@example.com`, password: "Password123" },
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const sessions = await Promise.all([newUser(url).then(enterLobby), newUser(url).then(enterLobby)]);
  const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
  const [a, b] = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
  const sent = await say(a!, "hello through nginx");
  const received = await b!.inbox.next(ChatServerMessage.Message);
  assert.equal(received.id, sent.id);
  assert.equal(received.content, "hello through nginx");
  await Promise.all([a!.room.leave(), b!.room.leave()]);
  return matched;
}

describe("nginx.conf, through a real nginx", function () {
  requireTool(this.ctx, NGINX, ["-v"], "nginx");
  this.timeout(60_000);

  const nginxTest = (config: string) => {
    const dir = tempDir("pairline-nginx-t-");
    try {
      return spawnSync(NGINX, ["-t", "-c", config, "-e", path.join(dir, "error.log"), "-g", `pid ${dir}/nginx.pid;`], { cwd: ROOT, encoding: "utf8" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("`nginx -t -c \"$PWD/ops/nginx/check.conf\"` (the README's check) passes", () => {
    const check = nginxTest(path.join(ROOT, "ops/nginx/check.conf"));
    assert.equal(check.status, 0, check.stderr);
  });

  it("the compose file's nginx config parses (its host names swapped for addresses)", () => {
    const dir = tempDir("pairline-nginx-compose-");
    try {
      const site = fs
        .readFileSync(path.join(ROOT, "ops/nginx/compose.conf"), "utf8")
        .replaceAll(/pairline-\d:/g, "127.0.0.1:")
        .replace("/var/log/nginx/", `${dir}/`);
      fs.writeFileSync(path.join(dir, "site.conf"), site);
      fs.writeFileSync(path.join(dir, "nginx.conf"), `events {}\nhttp { include ${dir}/site.conf; }\n`);
      const check = nginxTest(path.join(dir, "nginx.conf"));
      assert.equal(check.status, 0, check.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("in front of one process", () => {
    let server: TestServer;
    let nginx: TestNginx;
    before(async () => {
      server = await bootServer({ TRUST_PROXY: "loopback" });
      nginx = await startNginx(await freePort(), [server.port]);
    });
    after(async () => {
      await nginx?.stop();
      await server?.stop();
    });

    it("serves REST and the room WebSockets on / (no PUBLIC_ADDRESS needed)", async () => {
      const matched = await registerMatchAndChat(nginx.url);
      assert.equal(matched[0]!.reservation.publicAddress, undefined);
    });

    it("keeps /metrics off the public side", async () => {
      assert.equal((await fetch(`${nginx.url}/metrics`)).status, 404);
    });
  });

  describe("in front of two processes sharing Redis", function () {
    requireRedisServer(this.ctx);
    let redis: TestRedis;
    let nginx: TestNginx;
    const processes: ServerProcess[] = [];
    let ports: number[];
    before(async () => {
      redis = await startRedis();
      const listen = await freePort();
      ports = [await freePort(), await freePort()];
      const dataDir = tempDir("pairline-nginx-data-");
      for (const port of ports) {
        processes.push(
          await spawnServer({
            NODE_ENV: "test",
            LOG_LEVEL: "warn",
            BCRYPT_COST: "4",
            TRUST_PROXY: "loopback",
            REDIS_URL: redis.url,
            DATA_DIR: dataDir,
            LOG_DIR: path.join(dataDir, `logs-${port}`),
            PORT: String(port),
            // What the README asks of each process behind nginx: its own /<port> path.
            PUBLIC_ADDRESS: `127.0.0.1:${listen}/${port}`,
          }),
        );
      }
      nginx = await startNginx(listen, ports);
    });
    after(async () => {
      await nginx?.stop();
      for (const p of processes) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
      await redis?.stop();
    });

    it("balances REST and matchmaking, and routes each room's WebSocket to its process by /<port>/", async () => {
      for (let round = 0; round < 2; round++) {
        const matched = await registerMatchAndChat(nginx.url);
        const address = matched[0]!.reservation.publicAddress!;
        assert.ok(ports.some((port) => address.endsWith(`/${port}`)), address);
      }
    });
  });
});
