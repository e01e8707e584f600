import { Router } from "express";
import { Errors } from "../errors/index.ts";
import { requireAdmin } from "../http-kit/admin-guard.ts";
import { sendData } from "../http-kit/respond.ts";
import { validated } from "../http-kit/validate.ts";
import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import type { MessageSigner } from "./message-signature.ts";
import type { Moderation } from "./moderation.ts";
import { adminPageQuery, auditQuery, reportIdParams, shadowPoolQuery, unbanBody } from "./admin-schemas.ts";
import type { AuditAction, AuditEntry, AuditStore } from "./audit-store.ts";
import { evidenceProblem } from "./moderation.ts";
import type { Ban, Report, SafetyStore } from "./safety-store.ts";
import { banBody, userIdParams } from "./schemas.ts";
import { toPublicUser, type UserStore } from "./store.ts";

/** How much of one user's history the console shows at once. */
const HISTORY_ITEMS = 50;

const banView = (ban: Ban) => ({
  userId: ban.userId,
  until: ban.until.toISOString(),
  reason: ban.reason,
  by: ban.by,
  createdAt: ban.createdAt.toISOString(),
});

const auditView = (entry: AuditEntry) => ({ ...entry, at: entry.at.toISOString() });

export interface AdminRouteDeps {
  admin: Config["admin"];
  users: UserStore;
  safety: SafetyStore;
  audit: AuditStore;
  signer: MessageSigner;
  moderation: Moderation;
  logger: Logger;
}

/**
 * `/api/admin`: the moderators' console API, behind the admin credentials; null (a 404) when
 * no admin password is set. Every action, reading evidence included, is written to the audit log.
 */
export function adminRoutes(deps: AdminRouteDeps): Router | null {
  const { user: admin, password } = deps.admin;
  if (!password) return null;
  const { users, safety, audit, signer, moderation, logger } = deps;
  const router = Router();
  router.use(requireAdmin({ user: admin, password }));

  const existing = async (id: string) => {
    const found = await users.findById(id);
    if (!found) throw Errors.notFound("No such user");
    return found;
  };
  const record = (action: AuditAction, targetId: string | null, details: AuditEntry["details"] = {}) =>
    audit.append({ actor: admin, action, targetId, details });
  const reportView = (report: Report) => {
    const messages = report.messages.map((m) => ({ ...m, verified: evidenceProblem(signer, report, m) === null }));
    return {
      id: report.id,
      reporterId: report.reporterId,
      reportedId: report.reportedId,
      category: report.category,
      reason: report.reason,
      messages,
      verified: messages.length > 0 && messages.every((m) => m.verified),
      roomId: report.roomId,
      reporterIp: report.reporterIp,
      reporterDeviceId: report.reporterDeviceId,
      createdAt: report.createdAt.toISOString(),
    };
  };

  router.post(
    "/users/:id/ban",
    validated({ params: userIdParams, body: banBody }, async ({ params, body, res }) => {
      await existing(params.id);
      const until = body.until ? new Date(body.until) : new Date(Date.now() + body.hours! * 3600 * 1000);
      if (until.getTime() <= Date.now()) throw Errors.validation([{ field: "body.until", message: "must be in the future" }]);
      const ban = await moderation.ban(params.id, until, body.reason, admin);
      await record("ban", params.id, { reason: body.reason, until: ban.until.toISOString() });
      logger.info("user banned", { userId: params.id, until: ban.until.toISOString(), by: admin });
      sendData(res, { ban: banView(ban) }, { message: "User banned" });
    }),
  );

  router.delete(
    "/users/:id/ban",
    validated({ params: userIdParams, body: unbanBody }, async ({ params, body, res }) => {
      if (!(await safety.unban(params.id))) throw Errors.notFound("This user is not banned");
      await record("unban", params.id, { reason: body.reason ?? null });
      logger.info("user unbanned", { userId: params.id, by: admin });
      sendData(res, { unbanned: params.id }, { message: "User unbanned" });
    }),
  );

  router.get(
    "/users/:id/reports",
    validated({ params: userIdParams }, async ({ params, res }) => {
      const [reports, ban] = await Promise.all([safety.reportsAgainst(params.id), safety.activeBan(params.id, new Date())]);
      await record("view-reports", params.id);
      sendData(res, { ban: ban ? banView(ban) : null, reports: reports.map(reportView) });
    }),
  );

  router.get(
    "/users/:id",
    validated({ params: userIdParams }, async ({ params, res }) => {
      const user = await existing(params.id);
      const now = new Date();
      const [against, filed, ban, actions] = await Promise.all([
        safety.reportsAgainst(params.id),
        safety.reportsBy(params.id, HISTORY_ITEMS),
        safety.activeBan(params.id, now),
        audit.list({ targetId: params.id, limit: HISTORY_ITEMS }),
      ]);
      await record("view-reports", params.id);
      sendData(res, {
        user: toPublicUser(user),
        ban: ban ? banView(ban) : null,
        reportsAgainst: against.slice(-HISTORY_ITEMS).reverse().map(reportView),
        reportsAgainstTotal: against.length,
        reportsFiled: filed.map(reportView),
        audit: actions.map(auditView),
      });
    }),
  );

  router.get(
    "/reports",
    validated({ query: adminPageQuery }, async ({ query, res }) => {
      const reports = await safety.recentReports({ before: query.before ? new Date(query.before) : undefined, limit: query.limit });
      await record("view-reports", null, { count: reports.length });
      sendData(res, { reports: reports.map(reportView) });
    }),
  );

  router.delete(
    "/reports/:id",
    validated({ params: reportIdParams }, async ({ params, res }) => {
      const report = await safety.reportById(params.id);
      if (!report || !(await safety.deleteReport(params.id))) throw Errors.notFound("No such report");
      await record("dismiss-report", report.reportedId, { reportId: report.id, reporterId: report.reporterId, category: report.category });
      sendData(res, { dismissed: params.id }, { message: "Report dismissed and its evidence deleted" });
    }),
  );

  router.get(
    "/audit",
    validated({ query: auditQuery }, async ({ query, res }) => {
      const entries = await audit.list({
        before: query.before ? new Date(query.before) : undefined,
        targetId: query.targetId,
        limit: query.limit,
      });
      sendData(res, { entries: entries.map(auditView) });
    }),
  );

  router.get(
    "/shadow-pool",
    validated({ query: shadowPoolQuery }, async ({ query, res }) => {
      const { users: members, total } = await moderation.shadowPool(query);
      sendData(res, {
        members: members.map((m) => ({ userId: m.userId, since: m.since.toISOString(), until: m.until.toISOString() })),
        total,
      });
    }),
  );

  return router;
}
