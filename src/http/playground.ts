import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router, type RequestHandler } from "express";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Colyseus's playground (list rooms, join them with a token, send messages, take a CPU
 * profile) for development: answered only to this machine, since it can profile the
 * process. Undefined when the package is not installed (a production install omits it).
 *
 * Its files are served by `express.static`, not by the package: the package answers through
 * better-call's Node adapter, which ends the response after the first chunk of the body when
 * that write did not fill the socket's buffer. Node hands it a file in one chunk; Bun cuts a
 * body into 16 KB and then the rest, so every file over 16 KB ended at 16 KB there
 * (`ERR_CONTENT_LENGTH_MISMATCH`). The index page, its redirect and the data routes stay with
 * the package.
 */
export async function developmentPlayground(): Promise<RequestHandler | undefined> {
  let playground: typeof import("@colyseus/playground").playground;
  try {
    ({ playground } = await import("@colyseus/playground"));
  } catch {
    return undefined;
  }
  const files = path.dirname(fileURLToPath(import.meta.resolve("@colyseus/playground")));
  const serve = Router()
    .use(express.static(files, { index: false, redirect: false }))
    .use(playground() as unknown as RequestHandler);
  return (req, res, next) => (LOOPBACK.has(req.socket.remoteAddress ?? "") ? serve(req, res, next) : next());
}
