import assert from "node:assert/strict";
import { newAccount, request } from "../helpers/http.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

describe("error envelope", () => {
  let server: TestServer;
  let url: string;
  before(async () => {
    server = await bootServer();
    url = server.baseUrl;
  });
  after(() => server.stop());

  it("answers malformed JSON with 400 JSON, not an HTML stack trace", async () => {
    const res = await request(url, "POST", "/api/auth/login", { body: '{"email": "a@b.c",' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(res.body, { success: false, message: "Request body is not valid JSON", code: "MALFORMED_JSON" });
  });

  it("answers an oversized body with 413", async () => {
    const res = await request(url, "POST", "/api/auth/register", {
      body: { ...newAccount(), padding: "x".repeat(200 * 1024) },
    });
    assert.equal(res.status, 413);
    assert.equal(res.body.code, "PAYLOAD_TOO_LARGE");
    assert.equal(res.body.success, false);
  });

  it("answers an unknown route with 404", async () => {
    const res = await request(url, "GET", "/api/nothing-here");
    assert.equal(res.status, 404);
    assert.equal(res.body.code, "NOT_FOUND");
  });

  it("answers an unexpected failure with 500 and no internals", async () => {
    const broken = await bootServer();
    try {
      await broken.services.close();
      const res = await request(broken.baseUrl, "POST", "/api/auth/register", { body: newAccount() });
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { success: false, message: "Internal server error", code: "INTERNAL_ERROR" });
    } finally {
      await broken.stop();
    }
  });
});
