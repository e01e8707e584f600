import { z } from "zod";
import type { RouteDoc } from "../http-kit/route-doc.ts";

const TAG = "Operations";

export const opsRouteDocs: RouteDoc[] = [
  {
    method: "GET",
    path: "/health",
    tag: TAG,
    summary: "Liveness: the process answers",
    responses: { 200: { description: "Alive", data: z.object({ status: z.literal("ok"), uptime: z.number() }) } },
  },
  {
    method: "GET",
    path: "/ready",
    tag: TAG,
    summary: "Readiness: the user store and the realtime presence answer",
    description: "503 SERVICE_UNAVAILABLE names the failing checks in `errors` (`{ check, message }`).",
    responses: {
      200: {
        description: "Ready",
        data: z.object({ status: z.literal("ready"), checks: z.record(z.string(), z.literal("ok")) }),
      },
      503: { description: "Not ready (SERVICE_UNAVAILABLE)" },
    },
  },
  {
    method: "GET",
    path: "/metrics",
    tag: TAG,
    summary: "Prometheus metrics of this process",
    description: "Requires `Authorization: Bearer <METRICS_TOKEN>` when the server sets METRICS_TOKEN.",
    auth: "metrics",
    responses: { 200: { description: "Prometheus text exposition format", raw: { contentType: "text/plain" } } },
  },
  {
    method: "POST",
    path: "/matchmake/:method/:roomName",
    tag: "Realtime",
    summary: "Colyseus matchmaking: reserve a seat in a room",
    description:
      "Called by the Colyseus SDK (`joinOrCreate`, `joinById`, `reconnect`, ...), with the JWT as `Authorization: Bearer`; the answer is a seat reservation for the WebSocket. Not wrapped in the envelope.",
    auth: "user",
    params: z.object({
      method: z.enum(["joinOrCreate", "create", "join", "joinById", "reconnect"]),
      roomName: z.string().meta({ description: "`lobby`, or a room id for joinById / reconnect" }),
    }),
    body: z.record(z.string(), z.unknown()).meta({ description: "Join options" }),
    rateLimited: true,
    responses: { 200: { description: "A seat reservation", raw: { contentType: "application/json" } } },
  },
  {
    method: "GET",
    path: "/api/docs",
    tag: TAG,
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "The document itself (not wrapped in the envelope)", raw: { contentType: "application/json" } } },
  },
  {
    method: "GET",
    path: "/api/docs.html",
    tag: TAG,
    summary: "This document in Swagger UI",
    responses: { 200: { description: "HTML", raw: { contentType: "text/html" } } },
  },
  {
    method: "GET",
    path: "/api/asyncapi.json",
    tag: TAG,
    summary: "The AsyncAPI 3 document of the realtime (WebSocket) protocol",
    responses: { 200: { description: "The document itself (not wrapped in the envelope)", raw: { contentType: "application/json" } } },
  },
];
