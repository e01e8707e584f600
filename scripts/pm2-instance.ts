/**
 * What PM2 runs for each instance of `ecosystem.config.js` (fork mode). It reads `.env`
 * like `npm start` does (PM2's own environment wins), listens on its own port,
 * `PORT + NODE_APP_INSTANCE`, and, when its app has several instances, tells clients
 * where to reach it: `PUBLIC_ADDRESS` with `{port}` replaced by that port (behind nginx,
 * `chat.example.com/{port}`), or `localhost:<port>` when it is unset. A single instance
 * keeps PUBLIC_ADDRESS as given, so clients reach it by the address they used.
 */
import fs from "node:fs";
import path from "node:path";

const envFile = path.join(import.meta.dirname, "../.env");
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

const instance = Number(process.env.NODE_APP_INSTANCE ?? 0);
const instances = Number(process.env.PAIRLINE_INSTANCES ?? 1);
const port = Number(process.env.PORT ?? 3001) + instance;
process.env.PORT = String(port);
if (instances > 1 || process.env.PUBLIC_ADDRESS) {
  process.env.PUBLIC_ADDRESS = (process.env.PUBLIC_ADDRESS ?? "localhost:{port}").replaceAll("{port}", String(port));
}
if (instances > 1 && !process.env.REDIS_URL) {
  console.warn(`Pairline instance ${instance}: ${instances} instances without REDIS_URL do not form one service (users on different instances are never matched); set REDIS_URL`);
}

// src/main.js: the start that turns on Node's compile cache first.
await import("../src/main.js");
