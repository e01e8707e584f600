// PM2: `npx pm2 start ecosystem.config.js --env production` (REDIS_URL, JWT_SECRET and METRICS_TOKEN in the environment
// or in `.env`). Fork mode, each instance on its own port (PORT + instance) and with its own
// PUBLIC_ADDRESS (see scripts/pm2-instance.ts); nginx.conf routes `/<port>/…` WebSockets to it.
//
// Apps: `pairline` (one instance per core) and, for the seed's commands, `realtime-chat-dev` (one
// instance), `realtime-chat-prod` (one per core, production) and `realtime-chat-load-balanced`
// (three instances, 3001–3003). They share the ports, so the seed's apps start only when named
// with `--only`: a bare `pm2 start ecosystem.config.js` starts `pairline` alone.
//
// `PAIRLINE_RUNTIME=bun npx pm2 start ecosystem.config.js` runs every instance on Bun (the `bun`
// devDependency) instead of Node.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = import.meta.dirname;
/** Node 24 from the project (the `node` devDependency) when installed, else the machine's own (24 or later). */
const projectNode = path.join(root, "node_modules/.bin/node");
const node = fs.existsSync(projectNode) ? projectNode : "node";
const instanceScript = path.join(root, "scripts/pm2-instance.ts");
// PM2 loads the script with require() when its interpreter is named bun, and require() cannot load
// an ES module with top-level await; so Bun (scripts/bun) is the program PM2 starts, the script its argument.
const runtimes = {
  node: { script: instanceScript, interpreter: node },
  bun: { script: path.join(root, "scripts/bun"), args: [instanceScript], interpreter: "none" },
};
const runtime = process.env.PAIRLINE_RUNTIME || "node";
if (!Object.hasOwn(runtimes, runtime)) throw new Error(`PAIRLINE_RUNTIME must be node or bun, not "${runtime}"`);
const perCore = Number(process.env.PAIRLINE_INSTANCES || os.availableParallelism());

/** The app names given to `--only` on the pm2 command line that reads this file. */
function namedOnly(argv) {
  const at = argv.findIndex((arg) => arg === "--only" || arg.startsWith("--only="));
  if (at === -1) return [];
  const value = argv[at].startsWith("--only=") ? argv[at].slice("--only=".length) : (argv[at + 1] ?? "");
  return value.split(/[, ]/).filter(Boolean);
}

/**
 * One PM2 app of Pairline. The first instance's port is PORT (from the environment of
 * `pm2 start`, else `.env`, else 3001); PM2's environment wins over `.env`.
 */
function app(name, instances, production = {}) {
  return {
    name,
    // Node 24 and Bun run the TypeScript sources as they are.
    ...runtimes[runtime],
    cwd: root,
    exec_mode: "fork",
    instances,
    // An instance counts as started once it listens (it sends "ready").
    wait_ready: true,
    listen_timeout: 30_000,
    // SIGINT, then this long before SIGKILL: rooms get SHUTDOWN_TIMEOUT_MS (10 s) to close, open requests as long again.
    kill_timeout: 25_000,
    autorestart: true,
    max_memory_restart: "1G",
    merge_logs: true,
    env: {
      NODE_ENV: "development",
      PAIRLINE_INSTANCES: String(instances),
      ...(process.env.PORT ? { PORT: process.env.PORT } : {}),
      ...production,
    },
    env_production: {
      NODE_ENV: "production",
      TRUST_PROXY: "loopback",
    },
  };
}

const seedApps = [
  app("realtime-chat-dev", 1),
  app("realtime-chat-prod", perCore, { NODE_ENV: "production", TRUST_PROXY: "loopback" }),
  app("realtime-chat-load-balanced", 3, { NODE_ENV: "production", TRUST_PROXY: "loopback" }),
];
const only = namedOnly(process.argv);

export const apps = [app("pairline", perCore), ...seedApps.filter((seed) => only.includes(seed.name))];

export default { apps };
