import type http from "node:http";
import type { WebSocketServer } from "ws";

/** The address each open WebSocket came from, as `TRUST_PROXY` allows (pinned in `X-Real-IP` before the upgrade). */
const addresses = new WeakMap<object, string>();

/** Remembers, for every connection the transport accepts, the client's address, before any room sees the connection. */
export function rememberClientAddresses(wss: Pick<WebSocketServer, "prependListener">): void {
  wss.prependListener("connection", (socket: object, req: http.IncomingMessage) => {
    const pinned = req.headers["x-real-ip"];
    const address = (typeof pinned === "string" && pinned) || req.socket.remoteAddress;
    if (address) addresses.set(socket, address);
  });
}

/** The address of a room client's current connection, if known. */
export function clientAddress(client: { ref: object }): string | null {
  return addresses.get(client.ref) ?? null;
}
