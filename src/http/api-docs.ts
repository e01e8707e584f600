import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";
import pkg from "../../package.json" with { type: "json" };
import type { ProtocolLimits } from "../../rooms/protocol.ts";
import { API_DOCS_PAGE, SWAGGER_UI_FILES } from "./api-docs-page.ts";
import type { RouteDoc } from "../http-kit/route-doc.ts";

const SWAGGER_UI_DIR = path.dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));

/**
 * `GET /api/docs` (OpenAPI 3.1 JSON, built from the routes' docs), `GET /api/docs.html`
 * (Swagger UI) and the viewer's files under `/vendor/swagger-ui/`; `GET /api/asyncapi.json`
 * (AsyncAPI 3, the realtime protocol with this server's limits). Each document is built at
 * its first request and kept: building them (and loading zod-openapi) at start held
 * memory in every process for a page few ever ask for.
 */
export function apiDocsRoutes(routes: readonly RouteDoc[], limits: ProtocolLimits): Router {
  const openApi = builtOnce(async () => {
    const { openApiDocument } = await import("./openapi.ts");
    return openApiDocument(routes, {
      title: "Pairline",
      version: pkg.version,
      description: `${pkg.description}\n\nThe realtime (WebSocket) protocol is described by the AsyncAPI 3 document at [/api/asyncapi.json](/api/asyncapi.json).`,
      license: { name: pkg.license, identifier: pkg.license },
    });
  });
  const asyncApi = builtOnce(async () => {
    const { asyncApiDocument } = await import("./asyncapi.ts");
    return asyncApiDocument(
      { title: "Pairline realtime protocol", version: pkg.version, description: pkg.description, license: { name: pkg.license } },
      limits,
    );
  });
  const router = Router();
  router.get("/api/asyncapi.json", async (_req, res) => {
    res.json(await asyncApi());
  });
  router.get("/api/docs", async (_req, res) => {
    res.json(await openApi());
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

/** The value of `build`, made at the first call and shared by every later one. */
function builtOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= build());
}
