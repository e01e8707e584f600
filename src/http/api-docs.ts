import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";
import pkg from "../../package.json" with { type: "json" };
import type { ProtocolLimits } from "../../rooms/protocol.ts";
import { API_DOCS_PAGE, SWAGGER_UI_FILES } from "./api-docs-page.ts";
import { asyncApiDocument } from "./asyncapi.ts";
import { openApiDocument } from "./openapi.ts";
import type { RouteDoc } from "../http-kit/route-doc.ts";

const SWAGGER_UI_DIR = path.dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));

/**
 * `GET /api/docs` (OpenAPI 3.1 JSON, built once from the routes' docs), `GET /api/docs.html`
 * (Swagger UI) and the viewer's files under `/vendor/swagger-ui/`; `GET /api/asyncapi.json`
 * (AsyncAPI 3, the realtime protocol with this server's limits).
 */
export function apiDocsRoutes(routes: readonly RouteDoc[], limits: ProtocolLimits): Router {
  const document = openApiDocument(routes, {
    title: "Pairline",
    version: pkg.version,
    description: `${pkg.description}\n\nThe realtime (WebSocket) protocol is described by the AsyncAPI 3 document at [/api/asyncapi.json](/api/asyncapi.json).`,
    license: { name: pkg.license, identifier: pkg.license },
  });
  const realtime = asyncApiDocument(
    { title: "Pairline realtime protocol", version: pkg.version, description: pkg.description, license: { name: pkg.license } },
    limits,
  );
  const router = Router();
  router.get("/api/asyncapi.json", (_req, res) => {
    res.json(realtime);
  });
  router.get("/api/docs", (_req, res) => {
    res.json(document);
  });
  router.get("/api/docs.html", (_req, res) => {
    res.type("html").send(API_DOCS_PAGE);
  });
  const viewer = express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false });
  router.use("/vendor/swagger-ui", (req, res, next) => {
    if (!(SWAGGER_UI_FILES as readonly string[]).includes(req.path.slice(1))) return next();
    viewer(req, res, next);
  });
  return router;
}
