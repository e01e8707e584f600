// PM2: `npx pm2 start ecosystem.config.js --env production` (REDIS_URL and JWT_SECRET in the environment).
// Fork mode, one instance per core, each on its own port (PORT + instance) and with its own
// PUBLIC_ADDRESS (see scripts/pm2-instance.ts); nginx.conf routes `/<port>/…` WebSockets to it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = import.meta.dirname;
/** The first instance's port; `PORT` in the environment of `pm2 start` overrides it. */
const basePort = Number(process.env.PORT || 3001);
/** Node 24 from the project (the `node` devDependency) when installed, else the machine's own (24 or later). */
const projectNode = path.join(root, "node_modules/.bin/node");
const interpreter = fs.existsSync(projectNode) ? projectNode : "node";

export const apps = [
  {
    name: "pairline",
    script: path.join(root, "scripts/pm2-instance.ts"),
    // Node 24 runs the TypeScript sources as they are.
    interpreter,
    cwd: root,
    exec_mode: "fork",
    instances: Number(process.env.PAIRLINE_INSTANCES || os.availableParallelism()),
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
      PORT: basePort,
    },
    env_production: {
      NODE_ENV: "production",
      PORT: basePort,
      LOG_CONSOLE: "false",
      TRUST_PROXY: "loopback",
    },
  },
];

export default { apps };
