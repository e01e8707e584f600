import type { RequestHandler } from "express";
import type { Authenticate } from "./authenticate.ts";

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, token, ...rest] = header.split(" ");
  return scheme?.toLowerCase() === "bearer" && token && rest.length === 0 ? token : null;
}

/** Lets the request through only with a valid `Authorization: Bearer <jwt>`; sets `req.user`. */
export function requireAuth(authenticate: Authenticate): RequestHandler {
  return async (req, _res, next) => {
    try {
      req.user = await authenticate(bearerToken(req.get("authorization")));
      next();
    } catch (error) {
      next(error);
    }
  };
}
