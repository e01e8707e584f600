import { Router } from "express";
import { Errors } from "../errors.ts";
import { requireAdmin } from "../http/monitor.ts";
import { sendData } from "../http/respond.ts";
import { validated } from "../http/validate.ts";
import type { Services } from "../services.ts";
import type { Ban } from "./safety-store.ts";
import { banBody, userIdParams } from "./schemas.ts";

const banView = (ban: Ban) => ({
  userId: ban.userId,
  until: ban.until.toISOString(),
  reason: ban.reason,
  by: ban.by,
  createdAt: ban.createdAt.toISOString(),
});

/** `/api/admin`: bans and reports, behind the admin credentials; null (a 404) when no admin password is set. */
export function adminRoutes(services: Services): Router | null {
  const { user, password } = services.config.admin;
  if (!password) return null;
  const { users, safety } = services;
  const router = Router();
  router.use(requireAdmin({ user, password }));

  const existing = async (id: string) => {
    if (!(await users.findById(id))) throw Errors.notFound("No such user");
  };

  router.post(
    "/users/:id/ban",
    validated({ params: userIdParams, body: banBody }, async ({ params, body, res }) => {
      await existing(params.id);
      const until = body.until ? new Date(body.until) : new Date(Date.now() + body.hours! * 3600 * 1000);
      if (until.getTime() <= Date.now()) throw Errors.validation([{ field: "body.until", message: "must be in the future" }]);
      const ban = await services.moderation.ban(params.id, until, body.reason, user);
      services.logger.info("user banned", { userId: params.id, until: ban.until.toISOString(), by: user });
      sendData(res, { ban: banView(ban) }, { message: "User banned" });
    }),
  );

  router.delete(
    "/users/:id/ban",
    validated({ params: userIdParams }, async ({ params, res }) => {
      if (!(await safety.unban(params.id))) throw Errors.notFound("This user is not banned");
      services.logger.info("user unbanned", { userId: params.id, by: user });
      sendData(res, { unbanned: params.id }, { message: "User unbanned" });
    }),
  );

  router.get(
    "/users/:id/reports",
    validated({ params: userIdParams }, async ({ params, res }) => {
      const [reports, ban] = await Promise.all([safety.reportsAgainst(params.id), safety.activeBan(params.id, new Date())]);
      sendData(res, {
        ban: ban ? banView(ban) : null,
        reports: reports.map((r) => ({
          id: r.id,
          reporterId: r.reporterId,
          category: r.category,
          reason: r.reason,
          messages: r.messages,
          roomId: r.roomId,
          reporterIp: r.reporterIp,
          reporterDeviceId: r.reporterDeviceId,
          createdAt: r.createdAt.toISOString(),
        })),
      });
    }),
  );

  return router;
}
