import { monitor } from "@colyseus/monitor";
import type { RequestHandler } from "express";
import type { Config } from "../config/index.ts";
import { requireAdmin } from "../http-kit/admin-guard.ts";

/**
 * The Colyseus monitor (rooms, clients, and a "call any room method" endpoint),
 * every path of it behind admin credentials; null (so `/colyseus` is a 404) when
 * no admin password is configured.
 */
export function adminMonitor(config: Pick<Config, "admin">): RequestHandler[] | null {
  const { user, password } = config.admin;
  if (!password) return null;
  return [requireAdmin({ user, password }), monitor() as unknown as RequestHandler];
}
