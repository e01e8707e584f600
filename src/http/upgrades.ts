import type http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "../logger/index.ts";
import { pinClientIp, type TrustProxy } from "./client-ip.ts";
import type { CorsPolicy } from "./cors.ts";

const FORBIDDEN_ORIGIN = "Origin not allowed";

/**
 * Runs before the WebSocket transport sees an upgrade: pins the client address the
 * way Express trusts it (Colyseus would believe any `X-Forwarded-For`), writes an
 * access line, and answers 403 to a page whose origin `CORS_ORIGIN` does not allow;
 * the transport leaves an answered upgrade alone. Only the path is logged: the SDK
 * puts the JWT in the query string. (Colyseus's `beforeUpgrade` hook would build a
 * fetch `Request` and `Headers` for every upgrade to read one header.)
 */
export function watchUpgrades(httpServer: http.Server, trust: TrustProxy, cors: Pick<CorsPolicy, "allows">, logger: Logger): void {
  httpServer.prependListener("upgrade", (req: http.IncomingMessage, socket: Duplex) => {
    const ip = pinClientIp(req, trust);
    const path = (req.url ?? "/").split("?")[0];
    logger.http("upgrade", { path, ip, origin: req.headers.origin });
    if (!cors.allows(req.headers.origin)) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${FORBIDDEN_ORIGIN.length}\r\nConnection: close\r\n\r\n${FORBIDDEN_ORIGIN}`,
      );
    }
  });
}
