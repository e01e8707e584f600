import { z } from "zod";
import type { RouteDoc } from "../http/openapi.ts";
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
    auth: "admin",
    params: userIdParams,
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
          reports: z.array(
            z.object({
              id: z.string(),
              reporterId: z.string(),
              category: z.enum(REPORT_CATEGORIES),
              reason: z.string().nullable(),
              messages: z.array(z.unknown()),
              roomId: z.string().nullable(),
              reporterIp: z.string().nullable(),
              reporterDeviceId: z.string().nullable(),
              createdAt: z.iso.datetime(),
            }),
          ),
        }),
      },
    },
  },
];
