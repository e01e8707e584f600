import { matchMaker } from "@colyseus/core";
import { Router } from "express";
import { z } from "zod";
import { requireAuth } from "../auth/middleware.ts";
import { roomsByType } from "../metrics/index.ts";
import type { Services } from "../services.ts";
import type { RouteDoc } from "./openapi.ts";
import { sendData } from "./respond.ts";

const processStats = z.object({ processId: z.string(), roomCount: z.number(), ccu: z.number() });
const socketStats = z.object({
  processId: z.string(),
  uptime: z.number().meta({ description: "Seconds since this process started" }),
  rooms: z.number().meta({ description: "Rooms in this process" }),
  roomsByType: z.record(z.string(), z.number()),
  clients: z.number().meta({ description: "WebSocket clients connected to this process" }),
  memory: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number() }),
  processes: z.array(processStats).meta({ description: "Rooms and clients of every process of the service" }),
});

/** `GET /api/socket/stats`: the realtime load of this process and of the whole service. */
export function socketStatsRoutes(services: Services): Router {
  const router = Router();
  router.get("/stats", requireAuth(services.authenticate), async (_req, res) => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    const { processId, stats: counts } = matchMaker;
    // The shared listing is refreshed at most once a second; this process reports its live figures.
    const others = (await counts.fetchAll()).filter((p) => p.processId !== processId);
    const stats: z.infer<typeof socketStats> = {
      processId,
      uptime: Math.round(process.uptime()),
      rooms: counts.local.roomCount,
      roomsByType: await roomsByType(),
      clients: counts.local.ccu,
      memory: { rss, heapUsed, heapTotal, external },
      processes: [{ processId, roomCount: counts.local.roomCount, ccu: counts.local.ccu }, ...others],
    };
    sendData(res, stats);
  });
  return router;
}

export const socketStatsRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/api/socket/stats",
    tag: "Operations",
    summary: "Rooms, clients, uptime and memory, per process",
    auth: "user",
    rateLimited: true,
    responses: { 200: { description: "Realtime statistics", data: socketStats } },
  },
];
