import { z } from "zod";
import { AUDIT_ACTIONS } from "./audit-store.ts";
import { REPORT_CATEGORIES } from "./safety-store.ts";

const MAX_ADMIN_PAGE = 200;

/** Newest first; `before` is the `createdAt` / `at` of the last item of the previous page. */
export const adminPageQuery = z.strictObject({
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ADMIN_PAGE).default(50),
});

/** The shadow pool a page at a time, newest in it first. */
export const shadowPoolQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_ADMIN_PAGE).default(50),
});

export const auditQuery = adminPageQuery.extend({
  targetId: z.string().regex(/^[0-9a-f]{24}$/, "must be a user id").optional(),
});

export const reportIdParams = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{24}$/, "must be a report id"),
});

export const unbanBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
});

const evidenceSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  timestamp: z.string(),
  type: z.string(),
  content: z.string(),
  verified: z.boolean().meta({ description: "The server's signature matches: this user really sent this to the reporter" }),
});

export const reportViewSchema = z
  .object({
    id: z.string(),
    reporterId: z.string(),
    reportedId: z.string(),
    category: z.enum(REPORT_CATEGORIES),
    reason: z.string().nullable(),
    messages: z.array(evidenceSchema),
    verified: z.boolean().meta({ description: "It quotes messages and every one of them is verified" }),
    roomId: z.string().nullable(),
    reporterIp: z.string().nullable(),
    reporterDeviceId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ModeratedReport" });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .meta({ id: "AuditEntry" });
