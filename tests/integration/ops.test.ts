import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { registerGuest, request } from "../helpers/http.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

const ADMIN_PASSWORD = "correct horse battery staple";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("operations", () => {
  describe("liveness", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer();
    });
    after(() => server.stop());

    it("answers liveness on /health", async () => {
      const res = await request(server.baseUrl, "GET", "/health");
      assert.equal(res.status, 200);
      assert.equal(res.body.data.status, "ok");
    });
  });

  describe("readiness", () => {
    it("is ready while the store and the presence answer, and 503 naming the store once it is closed", async () => {
      const server = await bootServer();
      try {
        const ready = await request(server.baseUrl, "GET", "/ready");
        assert.equal(ready.status, 200);
        assert.equal(ready.body.data.status, "ready");
        assert.deepEqual(ready.body.data.checks, { store: "ok", presence: "ok" }, "the store and the presence are both checked");

        await server.services.close();
        const down = await request(server.baseUrl, "GET", "/ready");
        assert.equal(down.status, 503);
        assert.equal(down.body.success, false);
        assert.equal(down.body.code, "SERVICE_UNAVAILABLE");
        assert.match(down.body.message, /store/);
        assert.deepEqual(down.body.errors, [{ check: "store", message: "unreachable" }]);
        assert.equal((await request(server.baseUrl, "GET", "/health")).status, 200, "liveness does not depend on the store");
      } finally {
        await server.stop();
      }
    });
  });

  describe("the monitor", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ ADMIN_USER: "ops", ADMIN_PASSWORD });
    });
    after(() => server.stop());

    const get = (path: string, authorization?: string) =>
      fetch(`${server.baseUrl}${path}`, { headers: authorization ? { authorization } : {}, redirect: "manual" });

    it("refuses every path without the admin credentials, the room-call endpoint included", async () => {
      const callAnyMethod = "/colyseus/api/room/call?roomId=x&method=disconnect&args=%5B%5D";
      for (const path of ["/colyseus/", "/colyseus/api", "/colyseus/api/room?roomId=x", callAnyMethod]) {
        for (const authorization of [undefined, basic("ops", "wrong"), basic("admin", ADMIN_PASSWORD), "Bearer x"]) {
          const res = await get(path, authorization);
          assert.equal(res.status, 401, `${path} with ${authorization ?? "nothing"}`);
          assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm=/);
          assert.equal(((await res.json()) as { code: string }).code, "UNAUTHORIZED");
        }
      }
    });

    it("serves the panel and its API with them", async () => {
      const page = await get("/colyseus/", basic("ops", ADMIN_PASSWORD));
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="app">/);
      const rooms = await get("/colyseus/api", basic("ops", ADMIN_PASSWORD));
      assert.equal(rooms.status, 200);
      assert.ok(Array.isArray(((await rooms.json()) as { rooms: unknown }).rooms));
    });

    it("does not exist, nor does the moderators' console page, when no admin password is set", async () => {
      const plain = await bootServer();
      try {
        for (const path of ["/colyseus/", "/colyseus/api/room/call?roomId=x&method=disconnect&args=%5B%5D", "/moderation/", "/moderation/console.js"]) {
          const res = await fetch(`${plain.baseUrl}${path}`, { headers: { authorization: basic("admin", "") } });
          assert.equal(res.status, 404, path);
        }
      } finally {
        await plain.stop();
      }
    });
  });

  describe("metrics endpoint", () => {
    it("needs the bearer token when METRICS_TOKEN is set", async () => {
      const token = "m".repeat(24);
      const server = await bootServer({ METRICS_TOKEN: token });
      try {
        const anonymous = await request(server.baseUrl, "GET", "/metrics");
        assert.equal(anonymous.status, 401);
        assert.equal(anonymous.body.code, "UNAUTHORIZED");
        assert.equal((await request(server.baseUrl, "GET", "/metrics", { token: "n".repeat(24) })).status, 401);
        const scraped = await request(server.baseUrl, "GET", "/metrics", { token });
        assert.equal(scraped.status, 200);
        assert.match(scraped.headers.get("content-type") ?? "", /^text\/plain/);
        assert.match(scraped.body, /^# HELP pairline_http_requests_total /m);
      } finally {
        await server.stop();
      }
    });

    it("labels requests by route pattern, never by raw path", async () => {
      const server = await bootServer();
      try {
        const { token } = await registerGuest(server.baseUrl);
        await request(server.baseUrl, "GET", "/api/auth/me", { token });
        await request(server.baseUrl, "GET", "/no/such/path/12345");
        const text = (await request(server.baseUrl, "GET", "/metrics")).body as string;
        assert.match(text, /pairline_http_requests_total\{method="POST",route="\/api\/auth\/guest",status="201"\} \d+/);
        assert.match(text, /pairline_http_requests_total\{method="GET",route="\/api\/auth\/me",status="200"\} \d+/);
        assert.match(text, /pairline_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
        assert.doesNotMatch(text, /12345/);
      } finally {
        await server.stop();
      }
    });
  });

  describe("ICE servers", () => {
    const secret = "turn-shared-secret";
    let server: TestServer;
    before(async () => {
      server = await bootServer({
        STUN_URLS: "stun:stun.example.com:3478",
        TURN_URLS: "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349",
        TURN_SECRET: secret,
        TURN_TTL: "600",
      });
    });
    after(() => server.stop());

    it("needs a token", async () => {
      assert.equal((await request(server.baseUrl, "GET", "/api/rtc/ice-servers")).status, 401);
    });

    it("gives STUN and a TURN credential that verifies with the shared secret and expires", async () => {
      const user = await registerGuest(server.baseUrl);
      const before = Math.floor(Date.now() / 1000);
      const res = await request(server.baseUrl, "GET", "/api/rtc/ice-servers", { token: user.token });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      const [stun, turn] = res.body.data.iceServers;
      assert.deepEqual(stun, { urls: ["stun:stun.example.com:3478"] });
      assert.deepEqual(turn.urls, ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]);

      const [expiry, userId] = turn.username.split(":");
      assert.equal(userId, user.id);
      assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= Math.ceil(Date.now() / 1000) + 600);
      assert.equal(turn.credential, createHmac("sha1", secret).update(turn.username).digest("base64"));
      assert.notEqual(turn.credential, createHmac("sha1", "another-secret").update(turn.username).digest("base64"));
      assert.equal(res.body.data.ttl, 600);
      assert.equal(Date.parse(res.body.data.expiresAt), Number(expiry) * 1000);
    });

    it("gives STUN only when no TURN server is configured", async () => {
      const plain = await bootServer({ STUN_URLS: "stun:stun.example.com:3478" });
      try {
        const { token } = await registerGuest(plain.baseUrl);
        const res = await request(plain.baseUrl, "GET", "/api/rtc/ice-servers", { token });
        assert.deepEqual(res.body.data, { iceServers: [{ urls: ["stun:stun.example.com:3478"] }] });
      } finally {
        await plain.stop();
      }
    });
  });
});
