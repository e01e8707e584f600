import { z } from "zod";
import type { RouteDoc } from "../http-kit/route-doc.ts";
import { adminPageQuery, auditEntrySchema, auditQuery, reportIdParams, reportViewSchema, shadowPoolQuery, unbanBody } from "./admin-schemas.ts";
import { restReportSchema } from "./report-schemas.ts";
import { REPORT_CATEGORIES } from "./safety-store.ts";
import {
  banBody,
  banSchema,
  deviceBody,
  pageQuery,
  paginationSchema,
  profileSchema,
  statsSchema,
  userIdParams,
} from "./schemas.ts";

export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  isGuest: z.boolean(),
  isOnline: z.boolean(),
  lastSeen: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
}).meta({ id: "User", description: "The signed-in user, as they see themselves" });

const USERS = "Users";
const SAFETY = "Safety";
const ADMIN = "Admin";

const waitingUser = z.object({ id: z.string(), username: z.string(), waitingSince: z.iso.datetime() }).meta({ id: "WaitingUser" });
const profile = profileSchema.meta({ id: "Profile", description: "Another user, as others see them (never their email)" });
const pagination = paginationSchema.meta({ id: "Pagination" });
const ban = banSchema.meta({ id: "Ban" });

export const userRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/api/users/online",
    tag: USERS,
    summary: "Users connected right now, a page at a time",
    auth: "user",
    query: pageQuery,
    rateLimited: true,
    responses: { 200: { description: "A page of online users", data: z.object({ users: z.array(profile), pagination }) } },
  },
  {
    method: "GET",
    path: "/api/users/available",
    tag: USERS,
    summary: "Users waiting for a match, a page at a time",
    auth: "user",
    query: pageQuery,
    rateLimited: true,
    responses: { 200: { description: "A page of waiting users", data: z.object({ users: z.array(waitingUser), pagination }) } },
  },
  {
    method: "POST",
    path: "/api/users/device",
    tag: USERS,
    summary: "Record the device this user is on (with its user agent, address and country)",
    auth: "user",
    body: deviceBody,
    rateLimited: true,
    responses: {
      200: { description: "Recorded", data: z.object({ device: z.object({ deviceId: z.string(), country: z.string().nullable() }) }) },
    },
  },
  {
    method: "GET",
    path: "/api/users/stats",
    tag: USERS,
    summary: "Counts across the whole service",
    auth: "user",
    rateLimited: true,
    responses: { 200: { description: "Statistics", data: statsSchema.meta({ id: "Stats" }) } },
  },
  {
    method: "POST",
    path: "/api/users/:id/block",
    tag: SAFETY,
    summary: "Block a user: the two are never matched again, whichever blocked",
    auth: "user",
    params: userIdParams,
    rateLimited: true,
    responses: { 200: { description: "Blocked", data: z.object({ blocked: z.string() }) }, 404: { description: "No such user" } },
  },
  {
    method: "DELETE",
    path: "/api/users/:id/block",
    tag: SAFETY,
    summary: "Undo a block",
    auth: "user",
    params: userIdParams,
    rateLimited: true,
    responses: { 200: { description: "Unblocked", data: z.object({ unblocked: z.string() }) }, 404: { description: "Not blocked" } },
  },
  {
    method: "POST",
    path: "/api/users/:id/report",
    tag: SAFETY,
    summary: "Report a user, quoting the signed messages received from them",
    description:
      "Only someone who had a chat with this user may report them: `meeting` is the token the chat room sent (`chat:meeting`), accepted for `REPORT_WINDOW_HOURS` after the chat started (403 REPORT_MEETING_INVALID otherwise). Chat is never stored: quote the `chat:message` payloads as received (with `signature`). A quote that was not sent by this user to you, or was altered, refuses the report (400 REPORT_EVIDENCE_INVALID). Only reports quoting messages count toward an automatic ban, from reporters who differ in account, address and device; the others are kept for moderators.",
    auth: "user",
    params: userIdParams,
    body: restReportSchema,
    rateLimited: true,
    responses: {
      201: {
        description: "Report kept",
        data: z.object({ report: z.object({ id: z.string(), category: z.enum(REPORT_CATEGORIES), createdAt: z.iso.datetime() }) }),
      },
      403: { description: "No chat with this user (REPORT_MEETING_INVALID)" },
      404: { description: "No such user" },
    },
  },
];

export const adminRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/api/admin/users/:id/ban",
    tag: ADMIN,
    summary: "Ban a user for some hours or until a time",
    description: "A banned user cannot log in, get a guest session on a device they used, call the API or join a room (403 BANNED with the end time). Off (404) when no ADMIN_PASSWORD is set.",
    auth: "admin",
    params: userIdParams,
    body: banBody,
    rateLimited: true,
    responses: { 200: { description: "Banned", data: z.object({ ban }) }, 404: { description: "No such user" } },
  },
  {
    method: "DELETE",
    path: "/api/admin/users/:id/ban",
    tag: ADMIN,
    summary: "Lift a ban",
    description: "`reason` goes to the audit log.",
    auth: "admin",
    params: userIdParams,
    body: unbanBody,
    rateLimited: true,
    responses: { 200: { description: "Unbanned", data: z.object({ unbanned: z.string() }) }, 404: { description: "Not banned" } },
  },
  {
    method: "GET",
    path: "/api/admin/users/:id/reports",
    tag: ADMIN,
    summary: "Reports against a user, with the quoted messages, and the current ban",
    description:
      "Every report kept, including those without quoted messages, which never ban by themselves and wait here for a moderator. `reporterIp` and `reporterDeviceId` tell whether several reports come from one source.",
    auth: "admin",
    params: userIdParams,
    rateLimited: true,
    responses: {
      200: {
        description: "Reports",
        data: z.object({
          ban: ban.nullable(),
          reports: z.array(reportViewSchema),
        }),
      },
    },
  },
  {
    method: "GET",
    path: "/api/admin/users/:id",
    tag: ADMIN,
    summary: "A user's history: reports against them and by them, their ban, and what moderators did about them",
    description: "Reading it is written to the audit log (`view-reports`).",
    auth: "admin",
    params: userIdParams,
    rateLimited: true,
    responses: {
      200: {
        description: "History, newest first",
        data: z.object({
          user: publicUserSchema,
          ban: ban.nullable(),
          reportsAgainst: z.array(reportViewSchema),
          reportsAgainstTotal: z.number().int(),
          reportsFiled: z.array(reportViewSchema),
          audit: z.array(auditEntrySchema),
        }),
      },
      404: { description: "No such user" },
    },
  },
  {
    method: "GET",
    path: "/api/admin/reports",
    tag: ADMIN,
    summary: "Everyone's reports, newest first, each quoted message marked verified or not",
    description: "Pass the `createdAt` of the last report as `before` for the next page. Reading them is written to the audit log.",
    auth: "admin",
    query: adminPageQuery,
    rateLimited: true,
    responses: { 200: { description: "Reports", data: z.object({ reports: z.array(reportViewSchema) }) } },
  },
  {
    method: "DELETE",
    path: "/api/admin/reports/:id",
    tag: ADMIN,
    summary: "Dismiss a report: it is deleted with the evidence it quotes",
    auth: "admin",
    params: reportIdParams,
    rateLimited: true,
    responses: { 200: { description: "Dismissed", data: z.object({ dismissed: z.string() }) }, 404: { description: "No such report" } },
  },
  {
    method: "GET",
    path: "/api/admin/audit",
    tag: ADMIN,
    summary: "The audit log: every moderator action (who, what, when, about whom), newest first",
    description: "Append-only. Filter by `targetId`; pass the `at` of the last entry as `before` for the next page.",
    auth: "admin",
    query: auditQuery,
    rateLimited: true,
    responses: { 200: { description: "Entries", data: z.object({ entries: z.array(auditEntrySchema) }) } },
  },
  {
    method: "GET",
    path: "/api/admin/shadow-pool",
    tag: ADMIN,
    summary: "Users matched only inside the shadow pool, and until when",
    description: "A page at a time (`offset`, `limit`), newest in the pool first; `total` counts every member.",
    auth: "admin",
    query: shadowPoolQuery,
    rateLimited: true,
    responses: {
      200: {
        description: "Members",
        data: z.object({
          members: z.array(z.object({ userId: z.string(), since: z.iso.datetime(), until: z.iso.datetime() })),
          total: z.number().int(),
        }),
      },
    },
  },
];
