import type { RequestHandler } from "express";
import { Errors } from "../errors/index.ts";
import { credentialOf, secretsMatch } from "./credentials.ts";
import { sendAppError } from "./respond.ts";

const CHALLENGE = 'Basic realm="Pairline admin", charset="UTF-8"';

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const encoded = credentialOf(header, "basic");
  if (encoded === null) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A browser that holds the admin login sends it with requests any other site makes it send,
 * so a change asked for by another site's page (Fetch Metadata says so) is refused.
 */
function crossSiteWrite(method: string, fetchSite: string | undefined): boolean {
  return !READS.has(method) && (fetchSite === "cross-site" || fetchSite === "same-site");
}

/** HTTP Basic auth against `ADMIN_USER` / `ADMIN_PASSWORD`, compared in constant time. */
export function requireAdmin(admin: { user: string; password: string }): RequestHandler {
  return (req, res, next) => {
    if (crossSiteWrite(req.method, req.get("sec-fetch-site"))) {
      return sendAppError(res, Errors.forbidden("Admin changes are taken only from this server's own pages"));
    }
    const presented = basicCredentials(req.get("authorization"));
    // Both halves are always compared, so the timing does not tell which one was wrong.
    const userMatches = secretsMatch(presented?.user ?? "", admin.user);
    const passwordMatches = secretsMatch(presented?.password ?? "", admin.password);
    if (presented && userMatches && passwordMatches) return next();
    res.set("WWW-Authenticate", CHALLENGE);
    sendAppError(res, Errors.unauthorized("Admin credentials required"));
  };
}
