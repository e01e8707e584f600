import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";
import type { Config } from "../config/index.ts";
import { requireAdmin } from "../http-kit/admin-guard.ts";

/** The moderators' console: a static page that works only through `/api/admin`. */
const CONSOLE_DIR = fileURLToPath(new URL("../../public/moderation", import.meta.url));

/**
 * `/moderation/`, behind the same admin credentials as `/api/admin` and `/colyseus`; null when no
 * admin password is configured, and then the app answers 404 there (the page lives inside the
 * demo page's folder, which is otherwise served to anyone).
 */
export function moderationPage(config: Pick<Config, "admin">): RequestHandler[] | null {
  const { user, password } = config.admin;
  if (!password) return null;
  return [requireAdmin({ user, password }), express.static(CONSOLE_DIR, { redirect: true })];
}
