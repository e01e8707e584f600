import type http from "node:http";
import type { BeforeUpgradeHandler } from "@colyseus/core";
import type { Logger } from "../logger/index.ts";
import { pinClientIp, type TrustProxy } from "./client-ip.ts";
import type { CorsPolicy } from "./cors.ts";

/** WebSocket upgrades from a page whose origin `CORS_ORIGIN` does not allow are answered 403 before the handshake. */
export function refuseForeignOrigins(policy: Pick<CorsPolicy, "allows">): BeforeUpgradeHandler {
  return (_request, context) => {
    if (!policy.allows(context.headers.get("origin") ?? undefined)) {
      return new Response("Origin not allowed", { status: 403 });
    }
  };
}

/**
 * Runs before the WebSocket transport sees an upgrade: pins the client address the
 * way Express trusts it (Colyseus would believe any `X-Forwarded-For`) and writes an
 * access line. Only the path is logged: the SDK puts the JWT in the query string.
 */
export function watchUpgrades(httpServer: http.Server, trust: TrustProxy, logger: Logger): void {
  httpServer.prependListener("upgrade", (req: http.IncomingMessage) => {
    const ip = pinClientIp(req, trust);
    const path = (req.url ?? "/").split("?")[0];
    logger.http("upgrade", { path, ip, origin: req.headers.origin });
  });
}
