import type { RequestHandler } from "express";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Colyseus's playground (list rooms, join them with a token, send messages, take a CPU
 * profile) for development: answered only to this machine, since it can profile the
 * process. Undefined when the package is not installed (a production install omits it).
 */
export async function developmentPlayground(): Promise<RequestHandler | undefined> {
  let playground: typeof import("@colyseus/playground").playground;
  try {
    ({ playground } = await import("@colyseus/playground"));
  } catch {
    return undefined;
  }
  const serve = playground() as unknown as RequestHandler;
  return (req, res, next) => (LOOPBACK.has(req.socket.remoteAddress ?? "") ? serve(req, res, next) : next());
}
