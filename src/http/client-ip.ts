import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Colyseus derives a client's address from `X-Real-IP` / `X-Forwarded-For`
 * unconditionally. Overwriting `X-Real-IP` (which it reads first) with the
 * address Express trusts under `TRUST_PROXY` stops a client from choosing its own.
 */
export function pinClientIp(req: IncomingMessage, trust: TrustProxy): string | undefined {
  const ip = req.socket.remoteAddress ? proxyaddr(req, trust) : undefined;
  if (ip) req.headers["x-real-ip"] = ip;
  else delete req.headers["x-real-ip"];
  return ip;
}
