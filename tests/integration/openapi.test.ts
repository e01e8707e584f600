import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/index.ts";
import { createApp } from "../../src/http/app.ts";
import { toOpenApiPath } from "../../src/http/openapi.ts";
import { listRoutes } from "../../src/http/route-table.ts";
import { createServices } from "../../src/services.ts";
import { request } from "../helpers/http.ts";
import { bootServer, tempDir, type TestServer } from "../helpers/server.ts";

describe("API documentation", () => {
  let server: TestServer;
  let document: any;
  before(async () => {
    server = await bootServer();
    const res = await request(server.baseUrl, "GET", "/api/docs");
    assert.equal(res.status, 200);
    document = res.body;
  });
  after(() => server.stop());

  it("is an OpenAPI 3.1 document", () => {
    assert.equal(document.openapi, "3.1.0");
    assert.equal(document.info.title, "Pairline");
    assert.ok(document.components.securitySchemes.bearerAuth);
  });

  it("documents every route the app serves", async () => {
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: tempDir(), ADMIN_PASSWORD: "for-the-monitor" });
    const services = await createServices(config);
    try {
      const app = createApp(services, { matchmaking: (_req, _res, next) => next() });
      const routes = listRoutes(app);
      assert.ok(routes.length >= 10, "the walk finds the routes");
      assert.ok(routes.some((r) => r.method === "POST" && r.path === "/api/auth/register"), "mounted routers are walked");
      const missing = routes.filter((r) => !document.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()]);
      assert.deepEqual(missing, [], "every route has a RouteDoc");
    } finally {
      await services.close();
    }
  });

  it("describes request bodies from the schemas the routes validate with", () => {
    const register = document.paths["/api/auth/register"].post;
    const body = register.requestBody.content["application/json"].schema;
    assert.deepEqual(body.required.sort(), ["email", "password", "username"]);
    assert.equal(body.additionalProperties, false);
    assert.equal(body.properties.username.maxLength, 30);
    assert.ok(register.responses["400"], "a validated route documents its 400");
    assert.ok(register.responses["429"], "a limited route documents its 429");
    const data = register.responses["201"].content["application/json"].schema.properties.data;
    assert.ok(data.properties.token && data.properties.user);
  });

  it("marks the routes that need a token", () => {
    assert.deepEqual(document.paths["/api/auth/me"].get.security, [{ bearerAuth: [] }]);
    assert.equal(document.paths["/api/auth/login"].post.security, undefined);
  });

  it("has a readable page without external assets", async () => {
    const res = await fetch(`${server.baseUrl}/api/docs.html`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.match(html, /<code>\/api\/auth\/register<\/code>/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!localhost)[^"]*\.(js|css)/);
  });
});
