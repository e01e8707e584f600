/**
 * What PM2 runs for each instance of `ecosystem.config.js` (fork mode). Every
 * instance listens on its own port, `PORT + NODE_APP_INSTANCE`, and tells clients
 * where to reach it: `PUBLIC_ADDRESS` with `{port}` replaced by that port (behind
 * nginx, `chat.example.com/{port}`), or `localhost:<port>` when it is unset.
 */
const instance = Number(process.env.NODE_APP_INSTANCE ?? 0);
const port = Number(process.env.PORT ?? 3001) + instance;
process.env.PORT = String(port);
process.env.PUBLIC_ADDRESS = (process.env.PUBLIC_ADDRESS ?? "localhost:{port}").replaceAll("{port}", String(port));

const { main } = await import("../src/server.ts");
await main();
