import type http from "node:http";
import { toNodeHandler, type Server } from "@colyseus/core";
import type { RequestHandler } from "express";
import { Errors } from "../errors.ts";
import { pinClientIp } from "./client-ip.ts";

/** Colyseus's HTTP matchmaking (`POST /matchmake/:method/:roomName`), served as an Express route. */
export interface MatchmakingBridge {
  handler: RequestHandler;
  /**
   * Once Colyseus listens: connects the route to its router (until then it answers
   * 503) and hands the HTTP `request` event, which Colyseus took over, back to Express.
   */
  attach(gameServer: Pick<Server, "router">, httpServer: http.Server, app: http.RequestListener): void;
}

/**
 * How long a matchmaking request may take. Past it (Redis frozen or gone, a process
 * that does not answer), the client gets a 503 it can act on instead of a request
 * that hangs; whatever Colyseus answers later is dropped.
 */
export const MATCHMAKING_TIMEOUT_MS = 3000;

/**
 * Express, not Colyseus, owns the HTTP side: matchmaking requests then pass the
 * same CORS policy, rate limit, access log and metrics as the REST API, and reach
 * Colyseus's router with the client address Express trusts.
 */
export function createMatchmakingBridge(timeoutMs = MATCHMAKING_TIMEOUT_MS): MatchmakingBridge {
  let serve: ((req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>) | undefined;
  return {
    handler: (req, res, next) => {
      if (!serve) return next(Errors.unavailable("Matchmaking is not available yet"));
      pinClientIp(req, req.app.get("trust proxy fn"));
      let timedOut = false;
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        timedOut = true;
        next(Errors.unavailable("Matchmaking is not answering right now; try again shortly"));
      }, timeoutMs);
      serve(req, res)
        .catch((error: unknown) => {
          if (!timedOut) next(error);
        })
        .finally(() => clearTimeout(timer));
    },
    attach(gameServer, httpServer, app) {
      serve = toNodeHandler(gameServer.router.handler);
      httpServer.removeAllListeners("request");
      httpServer.on("request", app);
    },
  };
}
