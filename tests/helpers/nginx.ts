import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./process.ts";
import { tempDir } from "./server.ts";

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH. */
export const NGINX = fs.existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

function replaceOrFail(text: string, pattern: RegExp | string, replacement: string): string {
  const replaced = text.replace(pattern, replacement);
  if (replaced === text) throw new Error(`nginx.conf no longer contains ${String(pattern)}`);
  return replaced;
}

/**
 * The shipped nginx.conf as an operator would adapt it: listening on `listen`, the upstream and the
 * per-port WebSocket route naming the given Pairline ports, logs in `dir`. Everything else is as shipped.
 */
export function adaptShippedConfig(listen: number, ports: number[], dir: string): string {
  let site = fs.readFileSync(path.join(ROOT, "nginx.conf"), "utf8");
  site = replaceOrFail(site, /^\s*server 127\.0\.0\.1:300\d .*\n/gm, "");
  site = replaceOrFail(site, "least_conn;\n", `least_conn;\n${ports.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;\n`).join("")}`);
  site = replaceOrFail(site, '(?<pairline_port>3001|3002|3003)', `(?<pairline_port>${ports.join("|")})`);
  site = replaceOrFail(site, /^\s*listen \[::\]:80;\n/m, "");
  site = replaceOrFail(site, /listen 80;/, `listen 127.0.0.1:${listen};`);
  site = replaceOrFail(site, /\/var\/log\/nginx\//g, `${dir}/`);
  return site;
}

export interface TestNginx {
  url: string;
  stop(): Promise<void>;
}

/**
 * Writes `dir`/nginx.conf for a private nginx (own pid, error log and temp files under `dir`) whose
 * http block holds `http`; returns the arguments that run it in the foreground as one process.
 */
export function privateNginx(dir: string, http: string): string[] {
  fs.writeFileSync(
    path.join(dir, "nginx.conf"),
    `pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events {}
http {
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${http}
}
`,
  );
  return ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off; master_process off;"];
}

/** Runs a private nginx (own prefix, pid, logs and temp files) in front of the given Pairline ports. */
export async function startNginx(listen: number, ports: number[]): Promise<TestNginx> {
  const dir = tempDir("pairline-nginx-");
  fs.writeFileSync(path.join(dir, "site.conf"), adaptShippedConfig(listen, ports, dir));
  const child: ChildProcess = spawn(NGINX, privateNginx(dir, "    include site.conf;"), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${listen}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i > 100) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not start:\n${output}${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : ""}`);
    }
    try {
      await fetch(`${url}/metrics`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
