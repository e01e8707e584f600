import express, { type Express } from "express";
import helmet from "helmet";
import { authRoutes } from "../auth/routes.ts";
import type { Services } from "../services.ts";
import { corsMiddleware, createCorsPolicy } from "./cors.ts";
import { errorHandler, notFound } from "./errors.ts";
import { requestLog } from "./request-log.ts";
import { sendData } from "./respond.ts";

/** Builds the Express application; `server.ts` mounts it on the shared HTTP server next to Colyseus. */
export function createApp(services: Services): Express {
  const { config, logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.set("query parser", "simple");

  app.use(requestLog(logger));
  app.use(helmet());
  app.use(corsMiddleware(createCorsPolicy(config)));
  app.use(express.json({ limit: config.limits.jsonBodyBytes, strict: true }));

  app.get("/health", (_req, res) => {
    sendData(res, { status: "ok", uptime: Math.round(process.uptime()) });
  });
  app.use("/api/auth", authRoutes(services));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
