import { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ResponseDoc {
  description: string;
  /** The schema of `data` in the success envelope; omitted for an envelope without data. */
  data?: z.ZodType;
  /** A body that is not the JSON envelope (Prometheus text, HTML). */
  raw?: { contentType: string };
}

/**
 * How one route is documented. Each feature keeps a list of these next to its
 * routes, built from the zod schemas the routes validate with; the app adds the
 * lists to its document, and a test fails when a route has none.
 */
export interface RouteDoc {
  method: HttpMethod;
  /** The Express pattern, e.g. `/api/users/:id/block`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it: a user JWT, the admin (Basic), or the metrics token (optional Bearer). Omitted: public. */
  auth?: "user" | "admin" | "metrics";
  body?: z.ZodType;
  /** A `multipart/form-data` body; mark file fields with `fileField()`. */
  multipart?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Counted by a rate limit (documents the 429). */
  rateLimited?: boolean;
  responses: Record<number, ResponseDoc>;
}

/** A file part of a multipart body (OpenAPI 3.1: binary content, any media type unless narrowed). */
export const fileField = (description: string) =>
  z.unknown().meta({ description, override: { type: "string", contentMediaType: "application/octet-stream" } });
