import { Router } from "express";
import { requireAuth } from "../auth/middleware.ts";
import { sendData } from "../http/respond.ts";
import type { Services } from "../services.ts";
import { iceServersFor } from "./ice-servers.ts";

/** `/api/rtc`: what a client needs to set up a WebRTC call. */
export function rtcRoutes(services: Services): Router {
  const router = Router();
  router.get("/ice-servers", requireAuth(services.authenticate), (req, res) => {
    res.set("Cache-Control", "no-store");
    sendData(res, iceServersFor(services.config.rtc, req.user!.id));
  });
  return router;
}
