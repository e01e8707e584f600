import { Router, type RequestHandler } from "express";
import type { Config } from "../config/index.ts";
import { sendData } from "../http-kit/respond.ts";
import { iceServersFor } from "./ice-servers.ts";

export interface RtcRouteDeps {
  rtc: Config["rtc"];
  /** Lets only a request with a valid user token through (sets `req.user`). */
  requireUser: RequestHandler;
}

/** `/api/rtc`: what a client needs to set up a WebRTC call. */
export function rtcRoutes(deps: RtcRouteDeps): Router {
  const router = Router();
  router.get("/ice-servers", deps.requireUser, (req, res) => {
    res.set("Cache-Control", "no-store");
    sendData(res, iceServersFor(deps.rtc, req.user!.id));
  });
  return router;
}
