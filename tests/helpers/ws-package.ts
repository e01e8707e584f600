import { createRequire } from "node:module";
import path from "node:path";
import type WebSocket from "ws";
import { ROOT } from "./process.ts";

/**
 * The `ws` package's own client, on Node and on Bun alike. Bun answers `import "ws"` with its
 * built-in WebSocket, which has no socket to pause; a test playing a client that stops reading needs this one.
 */
export const WsPackageClient = createRequire(import.meta.url)(path.join(ROOT, "node_modules/ws/lib/websocket.js")) as typeof WebSocket;
