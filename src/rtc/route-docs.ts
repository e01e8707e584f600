import { z } from "zod";
import type { RouteDoc } from "../http-kit/route-doc.ts";

const iceServer = z.object({
  urls: z.array(z.string()),
  username: z.string().optional().meta({ description: "TURN only: `<expiry unix seconds>:<userId>`" }),
  credential: z.string().optional().meta({ description: "TURN only: base64 HMAC-SHA1 of the username" }),
});

export const rtcRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/api/rtc/ice-servers",
    tag: "Calls",
    summary: "STUN and TURN servers for a WebRTC call",
    description: "TURN credentials are per user and expire (coturn `use-auth-secret`); fetch a fresh list before each call.",
    auth: "user",
    rateLimited: true,
    responses: {
      200: {
        description: "Pass `iceServers` to `new RTCPeerConnection({ iceServers })`",
        data: z.object({
          iceServers: z.array(iceServer),
          expiresAt: z.iso.datetime().optional(),
          ttl: z.number().int().optional(),
        }),
      },
    },
  },
];
