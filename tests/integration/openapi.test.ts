import assert from "node:assert/strict";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { loadConfig } from "../../src/config/index.ts";
import { createApp } from "../../src/http/app.ts";
import { adminMonitor } from "../../src/http/monitor.ts";
import { createCorsPolicy } from "../../src/http/cors.ts";
import { createRateLimits } from "../../src/http/rate-limit.ts";
import { toOpenApiPath } from "../../src/http/openapi.ts";
import { listRoutes } from "../../src/http/route-table.ts";
import { createServices } from "../../src/services/index.ts";
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
      const app = createApp(services, {
        cors: createCorsPolicy(config),
        rateLimits: createRateLimits(config, services.logger),
        matchmaking: (_req, _res, next) => next(),
        monitor: await adminMonitor(config),
      });
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
    assert.deepEqual(data, { $ref: "#/components/schemas/Session" });
    assert.deepEqual(document.components.schemas.Session.required.sort(), ["token", "user"]);
  });

  it("marks the routes that need a token, and the public ones as public", () => {
    assert.deepEqual(document.paths["/api/auth/me"].get.security, [{ bearerAuth: [] }]);
    assert.deepEqual(document.paths["/api/admin/users/{id}/ban"].post.security, [{ adminBasic: [] }]);
    assert.deepEqual(document.paths["/api/auth/login"].post.security, []);
    assert.deepEqual(document.paths["/health"].get.security, []);
  });

  it("passes Redocly's recommended rules with no error and no warning", async function () {
    this.timeout(60_000);
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "openapi.json", config });
    // These answer every well-formed request: there is no client error to describe.
    const NO_CLIENT_ERROR = ["/health", "/ready", "/api/docs", "/api/docs.html", "/api/asyncapi.json"].map(
      (path) => `#/paths/${path.replaceAll("/", "~1")}/get/responses`,
    );
    const reported = problems
      .filter((p) => !(p.ruleId === "operation-4xx-response" && NO_CLIENT_ERROR.includes(p.location[0]?.pointer ?? "")))
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    assert.deepEqual(reported, []);
  });

  it("describes the user once, as a shared component", () => {
    const user = document.components.schemas.User;
    assert.deepEqual(Object.keys(user.properties).sort(), ["createdAt", "email", "id", "isGuest", "isOnline", "lastSeen", "username"]);
    const session = document.components.schemas.Session;
    assert.deepEqual(session.properties.user, { $ref: "#/components/schemas/User" });
    const me = document.paths["/api/auth/me"].get.responses["200"].content["application/json"].schema;
    assert.deepEqual(me.properties.data.properties.user, { $ref: "#/components/schemas/User" });
    const { components: _shared, ...rest } = document;
    const inlineUsers = JSON.stringify(rest).match(/"isGuest":\{/g) ?? [];
    assert.equal(inlineUsers.length, 0, "no user or profile object is copied inline into an operation");
    assert.deepEqual(document.paths["/api/auth/login"].post.responses["429"], { $ref: "#/components/responses/RateLimited" });
  });

  it("describes the upload bodies as multipart forms with a binary file part", () => {
    for (const [path, field] of [["/api/uploads", "file"], ["/api/uploads/voice", "voice"]] as const) {
      const body = document.paths[path].post.requestBody;
      assert.equal(body.required, true);
      const schema = body.content["multipart/form-data"].schema;
      assert.deepEqual(schema.required.sort(), [field, "roomId"].sort());
      assert.equal(schema.properties[field].type, "string");
      assert.equal(schema.properties[field].contentMediaType, "application/octet-stream");
      assert.equal(schema.properties.roomId.type, "string");
    }
  });

  it("names its server and its licence", () => {
    assert.deepEqual(document.servers.map((s: { url: string }) => s.url), ["/"]);
    assert.deepEqual(document.info.license, { name: "MIT", identifier: "MIT" });
  });

  it("serves Swagger UI from the server itself, with no inline script", async () => {
    const res = await fetch(`${server.baseUrl}/api/docs.html`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.headers.get("content-security-policy") ?? "", /(^|;)script-src 'self'(;|$)/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "an inline script");
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 3);
    for (const asset of assets) {
      assert.match(asset, /^\/[^/]/, `${asset} is served by this server`);
      const file = await fetch(`${server.baseUrl}${asset}`);
      assert.equal(file.status, 200, asset);
    }
    assert.equal((await fetch(`${server.baseUrl}/vendor/swagger-ui/index.html`)).status, 404, "only the viewer's own files");
  });
});
