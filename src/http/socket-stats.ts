import { Router } from "express";
import { z } from "zod";
import { roomsByType } from "../metrics/index.ts";
import type { Authenticate } from "../auth/authenticate.ts";
import type { RouteDoc } from "../http-kit/route-doc.ts";
import { sendData } from "../http-kit/respond.ts";

const onlyWithToken = (description: string) => ({ description: `${description}; only with a token` });

const processStats = z.object({ processId: z.string(), roomCount: z.number(), ccu: z.number() });
const socketStats = z.object({
  uptime: z.number().meta({ description: "Seconds since this process started" }),
  rooms: z.number().meta({ description: "Rooms in this process" }),
  roomsByType: z.record(z.string(), z.number()),
  clients: z.number().meta({ description: "WebSocket clients connected to this process" }),
  service: z
    .object({ processes: z.number(), rooms: z.number(), clients: z.number() })
    .meta({ description: "Totals over every process of the service; other processes' figures may be up to a second old" }),
  processId: z.string().optional().meta(onlyWithToken("This process")),
  memory: z
    .object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number() })
    .optional()
    .meta(onlyWithToken("Memory of this process, in bytes")),
  processes: z.array(processStats).optional().meta(onlyWithToken("Rooms and clients of every process")),
});
type SocketStats = z.infer<typeof socketStats>;

export type ProcessLoad = z.infer<typeof processStats>;

export interface SocketStatsDeps {
  authenticate: Authenticate;
  /** This process's live figures, and every process's from the shared listing (up to a second old, this one's included). */
  realtimeLoad(): Promise<{ here: ProcessLoad; all: ProcessLoad[] }>;
}

/**
 * `GET /api/socket/stats`: the realtime load of this process and of the whole service.
 * Counts only, so anyone may read them (the seed's monitoring `curl`); a token adds
 * process ids and memory. A token that is sent must be valid.
 */
export function socketStatsRoutes(deps: SocketStatsDeps): Router {
  const router = Router();
  router.get("/stats", async (req, res, next) => {
    try {
      const authorization = req.get("authorization");
      const detailed = authorization !== undefined;
      if (detailed) await deps.authenticate(/^Bearer (\S+)$/i.exec(authorization)?.[1]);
      const { here, all } = await deps.realtimeLoad();
      const { processId } = here;
      // The shared listing is up to a second old (read at most once a second); this process reports its live figures.
      const processes = [here, ...all.filter((p) => p.processId !== processId)];
      const stats: SocketStats = {
        uptime: Math.round(process.uptime()),
        rooms: here.roomCount,
        roomsByType: await roomsByType(),
        clients: here.ccu,
        service: {
          processes: processes.length,
          rooms: processes.reduce((sum, p) => sum + p.roomCount, 0),
          clients: processes.reduce((sum, p) => sum + p.ccu, 0),
        },
      };
      if (detailed) {
        const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
        Object.assign(stats, { processId, memory: { rss, heapUsed, heapTotal, external }, processes });
      }
      sendData(res, stats);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

export const socketStatsRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/api/socket/stats",
    tag: "Operations",
    summary: "Rooms, clients and uptime of this process and of the service",
    description:
      "Public counts (no user data). With `Authorization: Bearer <jwt>` it adds the process id, memory and the figures of every process; a token that is sent must be valid (401).",
    rateLimited: true,
    responses: { 200: { description: "Realtime statistics", data: socketStats } },
  },
];
