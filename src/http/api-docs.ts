import { Router } from "express";
import pkg from "../../package.json" with { type: "json" };
import { renderApiDocsPage } from "./api-docs-page.ts";
import { openApiDocument, type RouteDoc } from "./openapi.ts";

/** `GET /api/docs` (OpenAPI 3.1 JSON) and `GET /api/docs.html`, built once from the routes' docs. */
export function apiDocsRoutes(routes: readonly RouteDoc[]): Router {
  const document = openApiDocument(routes, {
    title: "Pairline",
    version: pkg.version,
    description: pkg.description,
  });
  const page = renderApiDocsPage(document);
  const router = Router();
  router.get("/api/docs", (_req, res) => {
    res.json(document);
  });
  router.get("/api/docs.html", (_req, res) => {
    res.type("html").send(page);
  });
  return router;
}
