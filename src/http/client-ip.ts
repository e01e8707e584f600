import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import proxyaddr from "proxy-addr";

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Colyseus derives a client's address from `X-Real-IP` / `X-Forwarded-For`
 * unconditionally. Overwriting `X-Real-IP` (which it reads first) with the
 * address Express trusts under `TRUST_PROXY` stops a client from choosing its own.
 */
export function pinClientIp(req: IncomingMessage, trust: TrustProxy): string | undefined {
  return pinAddress(req, req.socket.remoteAddress ? proxyaddr(req, trust) : undefined);
}

/** `pinClientIp` with the address already worked out (Express's `req.ip`). */
export function pinAddress(req: IncomingMessage, ip: string | undefined): string | undefined {
  if (ip) req.headers["x-real-ip"] = ip;
  else delete req.headers["x-real-ip"];
  return ip;
}

/**
 * Express's `req.ip` walks `X-Forwarded-For` through the trust function at every read, and a
 * request to the API reads it a dozen times (each rate limiter several, the access log, the
 * route): it is read once, as the request arrives, and kept on the request. With no proxy
 * trusted (Express's `false` or `0`), it is the socket's address, as Express would find.
 */
export function readClientIpOnce(trustProxy: unknown): RequestHandler {
  const trustsNoProxy = trustProxy === false || trustProxy === 0;
  return (req, _res, next) => {
    const ip = trustsNoProxy ? req.socket.remoteAddress : req.ip;
    Object.defineProperty(req, "ip", { value: ip, enumerable: true, configurable: true });
    next();
  };
}
