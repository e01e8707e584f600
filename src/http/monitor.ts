import type { RequestHandler } from "express";
import type { Config } from "../config/index.ts";
import { requireAdmin } from "../http-kit/admin-guard.ts";

/**
 * The Colyseus monitor (rooms, clients, and a "call any room method" endpoint),
 * every path of it behind admin credentials; undefined (so `/colyseus` is a 404) when
 * no admin password is configured. Loaded only then: importing it starts a timer.
 */
export async function adminMonitor(config: Pick<Config, "admin">): Promise<RequestHandler[] | undefined> {
  const { user, password } = config.admin;
  if (!password) return undefined;
  const { monitor } = await import("@colyseus/monitor");
  return [requireAdmin({ user, password }), monitor() as unknown as RequestHandler];
}
