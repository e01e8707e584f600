import type { Request, RequestHandler, Response } from "express";

/**
 * A middleware that always sets the same headers (helmet's, with no per-request
 * directives), made into one that sets them in one call: helmet runs a dozen nested
 * middlewares per request to set the same dozen values. The middleware runs once, on a
 * stand-in response, and what it set is replayed.
 */
export function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const headers = new Map<string, string>();
  const removed: string[] = [];
  let done = false;
  const standIn = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => {
      headers.delete(name);
      removed.push(name);
    },
  };
  middleware({} as Request, standIn as unknown as Response, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error("fixedHeaders: the middleware did not finish at once");
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    res.setHeaders(headers);
    next();
  };
}
