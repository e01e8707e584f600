import { Router, type RequestHandler } from "express";
import { Errors } from "../errors/index.ts";
import { sendData } from "../http-kit/respond.ts";
import { validated } from "../http-kit/validate.ts";
import type { PeopleDirectory } from "./directory.ts";
import { recordDeviceOf } from "./devices.ts";
import type { MeetingSigner } from "./meetings.ts";
import type { Moderation } from "./moderation.ts";
import { asEvidence, restReportSchema } from "./report-schemas.ts";
import { deviceBody, pageQuery, userIdParams, type PageQuery } from "./schemas.ts";
import type { SafetyStore } from "./safety-store.ts";
import type { User, UserStore } from "./store.ts";

const profile = (user: User) => ({
  id: user.id,
  username: user.username,
  isGuest: user.isGuest,
  isOnline: user.isOnline,
  lastSeen: user.lastSeen?.toISOString() ?? null,
});

const offsetOf = ({ page, limit }: PageQuery) => (page - 1) * limit;
const pagination = ({ page, limit }: PageQuery, total: number) => ({ page, limit, total, pages: Math.ceil(total / limit) });

export interface UserRouteDeps {
  users: UserStore;
  safety: SafetyStore;
  moderation: Moderation;
  meetings: MeetingSigner;
  /** Online users, the queue and live chats. */
  directory: PeopleDirectory;
  /** Lets only a request with a valid user token through (sets `req.user`). */
  requireUser: RequestHandler;
}

/** `/api/users`: who is around, devices, statistics, and the safety tools (block, report). */
export function userRoutes(deps: UserRouteDeps): Router {
  const { users, safety, moderation, meetings, directory } = deps;
  const router = Router();
  router.use(deps.requireUser);

  const existingOther = async (me: User, id: string, verb: string): Promise<User> => {
    if (id === me.id) throw Errors.validation([{ field: "params.id", message: `you cannot ${verb} yourself` }]);
    const other = await users.findById(id);
    if (!other) throw Errors.notFound("No such user");
    return other;
  };

  router.get(
    "/online",
    validated({ query: pageQuery }, async ({ query, res }) => {
      const { items, total } = await directory.onlinePage(offsetOf(query), query.limit);
      const found = await Promise.all(items.map((id) => users.findById(id)));
      const online = found.filter((u): u is User => u !== null).map((u) => ({ ...profile(u), isOnline: true }));
      sendData(res, { users: online, pagination: pagination(query, total) });
    }),
  );

  router.get(
    "/available",
    validated({ query: pageQuery }, async ({ query, req, res }) => {
      const { items, total } = await directory.waitingPage(offsetOf(query), query.limit, req.user!.id);
      const waiting = items.map((w) => ({ id: w.id, username: w.username, waitingSince: new Date(w.since).toISOString() }));
      sendData(res, { users: waiting, pagination: pagination(query, total) });
    }),
  );

  router.post(
    "/device",
    validated({ body: deviceBody }, async ({ body, req, res }) => {
      const device = await recordDeviceOf(safety, req, req.user!.id, body.deviceId);
      sendData(res, { device: { deviceId: device.deviceId, country: device.country } }, { message: "Device recorded" });
    }),
  );

  router.get("/stats", async (_req, res, next) => {
    try {
      const [registered, online, waiting, chats, matchesLastHour] = await Promise.all([
        users.count(),
        directory.onlineCount(),
        directory.waitingCount(),
        directory.chats(),
        directory.matchesInLastHour(),
      ]);
      sendData(res, { registered, online, waiting, inChat: chats.people, activeChats: chats.rooms, matchesLastHour });
    } catch (error) {
      next(error);
    }
  });

  router.post(
    "/:id/block",
    validated({ params: userIdParams }, async ({ params, req, res }) => {
      const other = await existingOther(req.user!, params.id, "block");
      await moderation.setBlock(req.user!.id, other.id, true);
      sendData(res, { blocked: other.id }, { message: "User blocked" });
    }),
  );

  router.delete(
    "/:id/block",
    validated({ params: userIdParams }, async ({ params, req, res }) => {
      if (!(await moderation.setBlock(req.user!.id, params.id, false))) throw Errors.notFound("This user is not blocked");
      sendData(res, { unblocked: params.id }, { message: "User unblocked" });
    }),
  );

  router.post(
    "/:id/report",
    validated({ params: userIdParams, body: restReportSchema }, async ({ params, body, req, res }) => {
      const reported = await existingOther(req.user!, params.id, "report");
      const meeting = meetings.verify(body.meeting, req.user!.id, reported.id);
      if (!meeting) throw Errors.reportMeetingInvalid();
      const { report } = await moderation.report({
        reporterId: req.user!.id,
        reportedId: reported.id,
        category: body.category,
        reason: body.reason ?? null,
        messages: asEvidence(body.messages, req.user!.id),
        roomId: meeting.roomId,
        reporterIp: req.ip ?? null,
      });
      sendData(
        res,
        { report: { id: report.id, category: report.category, createdAt: report.createdAt.toISOString() } },
        { status: 201, message: "Report received" },
      );
    }),
  );

  return router;
}
