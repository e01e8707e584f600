import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { NGINX, privateNginx } from "../helpers/nginx.ts";
import { killAndWait, TestNetwork } from "./network.ts";

export const APP_PORT = 3001;
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const SENTINEL_MASTER = "pairline";
/** With Sentinel, Redis and the Sentinels ask for these, as a production deployment would. */
const SENTINEL_AUTH = { redis: "netlab-redis-secret", sentinels: "netlab-sentinel-secret" };
const NGINX_PORT = 80;

/** What a scenario running on the client host is told about the deployment (as JSON in `NETLAB`). */
export interface LabDescription {
  /** The public entry: nginx on its host. */
  url: string;
  switchNamespace: string;
  apps: Array<{ name: string; ip: string; pid: number }>;
  redis: Array<{ name: string; ip: string; port: number; pid: number }>;
  sentinels?: Array<{ host: string; port: number }>;
  /** What Redis (`redis`) and the Sentinels (`sentinels`) ask for, when they ask. */
  passwords?: { redis: string; sentinels: string };
  /** The proxy in front of Redis that slows its link: SIGUSR1 turns its delay on, SIGUSR2 off. */
  redisDelay?: { pid: number; ms: number };
}

export interface LabOptions {
  apps: number;
  /** Redis primary and one replica, watched by three Sentinels, instead of one Redis; all ask for a password. */
  sentinel?: boolean;
  /**
   * Redis listens on its host's loopback only, and the app hosts reach it through a proxy
   * on the Redis host that can hold every chunk this long each way (the kernel has no
   * `tc netem`). It starts without delay: the scenario turns it on (`redisDelay`).
   */
  redisDelayMs?: number;
  env?: Record<string, string>;
}

/** Settings of the Pairline processes in the lab: short leases and grace, so recoveries fit in a test. */
const APP_ENV = {
  NODE_ENV: "test",
  LOG_LEVEL: "info",
  LOG_CONSOLE: "true",
  BCRYPT_COST: "4",
  RATE_LIMIT_AUTH_MAX: "1000000",
  RATE_LIMIT_API_MAX: "1000000",
  RATE_LIMIT_MATCHMAKE_MAX: "1000000",
  RATE_LIMIT_UPLOAD_MAX: "1000000",
  GUEST_CHALLENGE_MAX_NUMBER: "200",
  PRESENCE_LEASE_SECONDS: "6",
  RECONNECT_GRACE: "5",
};

/**
 * Pairline deployed over a test network: Redis (or Redis with Sentinel) on its own
 * hosts, app hosts each running one Pairline process, nginx in front on its own
 * host, and a client host where scenarios run the users.
 */
export class Lab {
  readonly network: TestNetwork;
  readonly dataDir: string;
  readonly #outputs = new Map<string, () => string>();
  readonly #children = new Map<string, ChildProcess>();
  #description!: LabDescription;

  private constructor(network: TestNetwork, dataDir: string) {
    this.network = network;
    this.dataDir = dataDir;
  }

  static async start(options: LabOptions): Promise<Lab> {
    const redisHosts = options.sentinel ? ["redis1", "redis2", "sentinels"] : ["redis1"];
    const apps = Array.from({ length: options.apps }, (_, i) => `app${i + 1}`);
    const network = await TestNetwork.create([...redisHosts, ...apps, "proxy", "client"]);
    const lab = new Lab(network, tempDir("pairline-netlab-"));
    try {
      await lab.#deploy(apps, options);
    } catch (error) {
      await lab.stop();
      throw error;
    }
    return lab;
  }

  get description(): LabDescription {
    return this.#description;
  }

  async #deploy(apps: string[], options: LabOptions): Promise<void> {
    if (options.redisDelayMs !== undefined && options.sentinel) throw new Error("a delayed Redis link is for a single Redis");
    const passwords = options.sentinel ? SENTINEL_AUTH : undefined;
    const auth = passwords ? ["--requirepass", passwords.redis, "--masterauth", passwords.redis] : [];
    const redis = [await this.#startRedis("redis1", auth, { behindProxy: options.redisDelayMs !== undefined, password: passwords?.redis })];
    const redisDelay = options.redisDelayMs === undefined ? undefined : await this.#startDelayProxy("redis1", options.redisDelayMs);
    let redisEnv: Record<string, string> = { REDIS_URL: `redis://${this.network.host("redis1").ip}:${REDIS_PORT}` };
    let sentinels: LabDescription["sentinels"];
    if (passwords) {
      redis.push(await this.#startRedis("redis2", ["--replicaof", this.network.host("redis1").ip, String(REDIS_PORT), ...auth], { password: passwords.redis }));
      sentinels = await this.#startSentinels(3, passwords);
      redisEnv = {
        REDIS_SENTINELS: sentinels.map((s) => `${s.host}:${s.port}`).join(","),
        REDIS_SENTINEL_MASTER: SENTINEL_MASTER,
        REDIS_PASSWORD: passwords.redis,
        REDIS_SENTINEL_PASSWORD: passwords.sentinels,
      };
    }
    const proxyIp = this.network.host("proxy").ip;
    const started = await Promise.all(
      apps.map((name) =>
        this.#startApp(name, {
          ...APP_ENV,
          ...redisEnv,
          TRUST_PROXY: proxyIp,
          PUBLIC_ADDRESS: `${proxyIp}:${NGINX_PORT}/${name}`,
          ...options.env,
        }),
      ),
    );
    await this.#startNginx(apps);
    this.#description = {
      url: `http://${proxyIp}:${NGINX_PORT}`,
      switchNamespace: `${this.network.prefix}-switch`,
      apps: started,
      redis,
      sentinels,
      passwords,
      redisDelay,
    };
  }

  #keep(name: string, child: ChildProcess): void {
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    this.#outputs.set(name, () => output);
    this.#children.set(name, child);
  }

  /** What a process of the lab printed (for a failing test's message). */
  output(name: string): string {
    return this.#outputs.get(name)?.() ?? "";
  }

  /** `behindProxy`: Redis answers on the host's loopback only, for a proxy on the host to pass on. */
  async #startRedis(host: string, extra: string[], { behindProxy = false, password }: { behindProxy?: boolean; password?: string }) {
    const hostIp = this.network.host(host).ip;
    const ip = behindProxy ? "127.0.0.1" : hostIp;
    const child = this.network.spawn(
      host,
      "redis-server",
      ["--port", String(REDIS_PORT), "--bind", ip, "--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", this.dataDir, ...extra],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#keep(host, child);
    await this.#untilAnswers(host, [...redisCli(ip, REDIS_PORT, password), "ping"], "PONG");
    return { name: host, ip: hostIp, port: REDIS_PORT, pid: child.pid! };
  }

  /** The proxy that slows the Redis host's link: it takes the host's Redis address and passes to loopback. */
  async #startDelayProxy(host: string, ms: number) {
    const ip = this.network.host(host).ip;
    const child = this.network.spawn(
      host,
      process.execPath,
      [path.join(import.meta.dirname, "delay-proxy.ts"), ip, String(REDIS_PORT), "127.0.0.1", String(REDIS_PORT), String(ms)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#keep(`${host}-delay`, child);
    await this.#untilAnswers(host, [...redisCli(ip, REDIS_PORT), "ping"], "PONG");
    return { pid: child.pid!, ms };
  }

  async #startSentinels(count: number, passwords: { redis: string; sentinels: string }) {
    const host = this.network.host("sentinels");
    const primary = this.network.host("redis1").ip;
    const sentinels = [];
    for (let i = 0; i < count; i++) {
      const port = SENTINEL_PORT + i;
      const file = path.join(this.dataDir, `sentinel-${port}.conf`);
      fs.writeFileSync(
        file,
        [
          `port ${port}`,
          `bind ${host.ip}`,
          "protected-mode no",
          `dir ${this.dataDir}`,
          `requirepass ${passwords.sentinels}`,
          `sentinel monitor ${SENTINEL_MASTER} ${primary} ${REDIS_PORT} 2`,
          `sentinel auth-pass ${SENTINEL_MASTER} ${passwords.redis}`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          "",
        ].join("\n"),
      );
      const child = this.network.spawn("sentinels", "redis-sentinel", [file], { stdio: ["ignore", "pipe", "pipe"] });
      this.#keep(`sentinel-${port}`, child);
      await this.#untilAnswers("sentinels", [...redisCli(host.ip, port, passwords.sentinels), "ping"], "PONG");
      sentinels.push({ host: host.ip, port });
    }
    // A failover needs each Sentinel to know the replica (from the primary's INFO, read every 10 s)
    // and the other Sentinels (for the quorum and the vote): until then, losing the primary is final.
    const replica = this.network.host("redis2").ip;
    await this.#untilAnswers("redis2", [...redisCli(replica, REDIS_PORT, passwords.redis), "info", "replication"], "master_link_status:up");
    for (const { port } of sentinels) {
      await this.#untilAnswers("sentinels", [...redisCli(host.ip, port, passwords.sentinels), "sentinel", "master", SENTINEL_MASTER], (answer) => {
        const fields = answer.trim().split("\n");
        const value = (name: string) => Number(fields[fields.indexOf(name) + 1]);
        return value("num-slaves") >= 1 && value("num-other-sentinels") >= count - 1;
      });
    }
    return sentinels;
  }

  async #startApp(name: string, env: Record<string, string>) {
    const ip = this.network.host(name).ip;
    const child = this.network.spawn(name, process.execPath, [path.join(ROOT, "src/server.ts")], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        PORT: String(APP_PORT),
        HOST: ip,
        DATA_DIR: this.dataDir,
        LOG_DIR: path.join(this.dataDir, `logs-${name}`),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#keep(name, child);
    await this.#untilAnswers(name, ["curl", "-sf", `http://${ip}:${APP_PORT}/health`], '"ok"');
    return { name, ip, pid: child.pid! };
  }

  async #startNginx(apps: string[]): Promise<void> {
    const dir = path.join(this.dataDir, "nginx");
    fs.mkdirSync(dir);
    const child = this.network.spawn("proxy", NGINX, privateNginx(dir, this.#nginxHttp(apps)), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#keep("proxy", child);
    await this.#untilAnswers("proxy", ["curl", "-sf", `http://${this.network.host("proxy").ip}:${NGINX_PORT}/health`], '"ok"');
  }

  /**
   * The shipped nginx.conf's routing for hosts instead of ports: `/<app>/…` reaches the
   * process that announced itself as `<proxy>/<app>`, anything else any live process.
   * A host that stops answering is given up after 2 s (connect) or 10 s of silence
   * (Colyseus pings every few seconds, so a live room is never that quiet).
   */
  #nginxHttp(apps: string[]): string {
    const proxyIp = this.network.host("proxy").ip;
    const backends = apps.map((name) => `${this.network.host(name).ip}:${APP_PORT}`);
    return `  access_log off;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  map $app $app_backend {
${apps.map((name, i) => `    ${name} ${backends[i]};`).join("\n")}
  }
  upstream pairline {
${backends.map((backend) => `    server ${backend} max_fails=1 fail_timeout=5s;`).join("\n")}
  }
  server {
    listen ${proxyIp}:${NGINX_PORT};
    client_max_body_size 12m;
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_connect_timeout 2s;
    proxy_read_timeout 10s;
    proxy_send_timeout 10s;
    location ~ "^/(?<app>${apps.join("|")})/(?<rest>.*)$" {
      proxy_pass http://$app_backend/$rest$is_args$args;
      proxy_buffering off;
    }
    location / {
      proxy_pass http://pairline;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries ${apps.length};
    }
  }`;
  }

  /** `expected`: text the answer holds, or a test of the answer. */
  async #untilAnswers(host: string, command: string[], expected: string | ((answer: string) => boolean)): Promise<void> {
    const holds = typeof expected === "string" ? (answer: string) => answer.includes(expected) : expected;
    for (let attempt = 0; attempt < 300; attempt++) {
      const answer = await this.network.exec(host, command[0]!, command.slice(1)).catch(() => "");
      if (holds(answer)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${host} did not answer ${command.join(" ")}:\n${this.output(host)}`);
  }

  /** Runs a scenario (a script in tests/netlab/scenarios) on the client host; resolves with its exit code and output. */
  async runScenario(script: string, env: Record<string, string> = {}, timeoutMs = 240_000): Promise<{ code: number | null; output: string }> {
    const child = this.network.spawn("client", process.execPath, [path.join(import.meta.dirname, "scenarios", script)], {
      cwd: ROOT,
      env: { ...process.env, ...env, NETLAB: JSON.stringify(this.#description) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (process.env.TEST_VERBOSE === "1") process.stdout.write(chunk);
    });
    child.stderr!.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    return { code, output };
  }

  /** Kills one process of the lab (a Redis primary, say) as a crash would. */
  async kill(name: string): Promise<void> {
    const child = this.#children.get(name);
    if (child) await killAndWait(child);
  }

  async stop(): Promise<void> {
    await this.network.destroy();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function redisCli(host: string, port: number, password?: string): string[] {
  return ["redis-cli", "-h", host, "-p", String(port), ...(password ? ["-a", password, "--no-auth-warning"] : [])];
}
