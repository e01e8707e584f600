import assert from "node:assert/strict";
import { guestBody, registerGuest, request, type JsonResponse } from "../helpers/http.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

const WINDOW_MS = "1000";

/** Repeats `send` until it is no longer refused, for at most a few windows. */
async function afterReset(send: () => Promise<JsonResponse>): Promise<JsonResponse> {
  for (let attempt = 0; attempt < 40; attempt++) {
    await new Promise((r) => setTimeout(r, 150));
    const res = await send();
    if (res.status !== 429) return res;
  }
  throw new Error("the limit never reset");
}

/** Repeats `send` until it is the first request of a fresh window (a full allowance but one left). */
async function firstOfWindow(send: () => Promise<JsonResponse>, limiter: string, limit: number): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    if (remaining(await send(), limiter) === limit - 1) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error("no fresh window began");
}

/** The requests left under `limiter`, from the draft-8 `RateLimit` header (one item per limit that applied). */
function remaining(res: JsonResponse, limiter: string): number | undefined {
  const item = new RegExp(`"${limiter}"; r=(\\d+); t=\\d+`).exec(res.headers.get("ratelimit") ?? "");
  return item ? Number(item[1]) : undefined;
}

function assertRefused(res: JsonResponse, limiter: string, limit: number): void {
  assert.equal(res.status, 429);
  assert.deepEqual(res.body, { success: false, message: "Too many requests, try again later", code: "RATE_LIMITED" });
  assert.match(res.headers.get("ratelimit-policy") ?? "", new RegExp(`"${limiter}"; q=${limit}; w=1\\b`));
  assert.equal(remaining(res, limiter), 0);
  assert.ok(res.headers.get("retry-after"), "tells the client when to come back");
}

describe("rate limits", () => {
  describe("auth: credential endpoints per IP", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ RATE_LIMIT_AUTH_MAX: "3", RATE_LIMIT_AUTH_WINDOW_MS: WINDOW_MS });
    });
    after(() => server.stop());

    it("lets the configured number through with RateLimit headers, refuses the next, then resets", async () => {
      // Challenges solved beforehand, so that the counted requests fit in one window.
      const bodies = await Promise.all([1, 2, 3, 4].map(() => guestBody(server.baseUrl)));
      const guest = async () => request(server.baseUrl, "POST", "/api/auth/guest", { body: bodies.shift() ?? (await guestBody(server.baseUrl)) });
      for (let i = 3; i >= 1; i--) {
        const res = await guest();
        assert.equal(res.status, 201);
        assert.equal(remaining(res, "auth"), i - 1);
      }
      assertRefused(await guest(), "auth", 3);
      assertRefused(
        await request(server.baseUrl, "POST", "/api/auth/login", { body: { email: "a@example.com", password: "x" } }),
        "auth",
        3,
      );
      assert.equal((await afterReset(guest)).status, 201);
    });

    it("does not count reading the current user", async () => {
      const { token } = await afterReset(async () => request(server.baseUrl, "POST", "/api/auth/guest", { body: await guestBody(server.baseUrl) })).then(
        (res) => ({ token: res.body.data.token as string }),
      );
      for (let i = 0; i < 5; i++) {
        assert.equal((await request(server.baseUrl, "GET", "/api/auth/me", { token })).status, 200);
      }
    });
  });

  describe("api: everything under /api per IP", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ RATE_LIMIT_API_MAX: "4", RATE_LIMIT_API_WINDOW_MS: WINDOW_MS });
    });
    after(() => server.stop());

    it("refuses the request after the limit, while /health stays open", async () => {
      const { token } = await registerGuest(server.baseUrl);
      const me = () => request(server.baseUrl, "GET", "/api/auth/me", { token });
      // Solving the sign-up's challenge may outlast a window: count from the first request of a fresh one.
      await firstOfWindow(me, "api", 4);
      for (let i = 0; i < 3; i++) assert.equal((await me()).status, 200);
      assertRefused(await me(), "api", 4);
      assert.equal((await request(server.baseUrl, "GET", "/health")).status, 200);
      assert.equal((await afterReset(me)).status, 200);
    });

    it("is counted in the metrics", async () => {
      const { token } = await afterReset(async () => request(server.baseUrl, "POST", "/api/auth/guest", { body: await guestBody(server.baseUrl) })).then(
        (res) => ({ token: res.body.data.token as string }),
      );
      const refusedBefore = await rateLimitedCount(server, "api");
      let res: JsonResponse;
      do res = await request(server.baseUrl, "GET", "/api/auth/me", { token });
      while (res.status !== 429);
      assert.equal(await rateLimitedCount(server, "api"), refusedBefore + 1);
    });
  });

  describe("uploads: per IP, uploads only", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ RATE_LIMIT_UPLOAD_MAX: "2", RATE_LIMIT_UPLOAD_WINDOW_MS: WINDOW_MS });
    });
    after(() => server.stop());

    it("refuses the upload after the limit, but not downloads", async () => {
      const upload = () => request(server.baseUrl, "POST", "/api/uploads", { body: {} });
      for (let i = 0; i < 2; i++) assert.notEqual((await upload()).status, 429);
      assertRefused(await upload(), "upload", 2);
      assert.notEqual((await request(server.baseUrl, "GET", "/api/uploads/some-id")).status, 429);
      assert.notEqual((await afterReset(upload)).status, 429);
    });
  });

  describe("matchmaking: Colyseus's HTTP route per IP", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ RATE_LIMIT_MATCHMAKE_MAX: "2", RATE_LIMIT_MATCHMAKE_WINDOW_MS: WINDOW_MS });
    });
    after(() => server.stop());

    it("refuses the seat request after the limit, then resets", async () => {
      const { token } = await registerGuest(server.baseUrl);
      const reserve = () => request(server.baseUrl, "POST", "/matchmake/joinOrCreate/lobby", { token, body: {} });
      for (let i = 0; i < 2; i++) assert.equal((await reserve()).status, 200);
      assertRefused(await reserve(), "matchmake", 2);
      assert.equal((await afterReset(reserve)).status, 200);
    });
  });
});

describe("admin credentials: wrong passwords per IP, on the monitor and the admin API", () => {
  const ADMIN_PASSWORD = "the real admin password";
  const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` });
  let server: TestServer;
  before(async () => {
    server = await bootServer({ ADMIN_PASSWORD, RATE_LIMIT_ADMIN_MAX: "5", RATE_LIMIT_ADMIN_WINDOW_MS: "60000" });
  });
  after(() => server.stop());

  it("refuses a burst of wrong passwords with 429, the right one included, on both paths", async () => {
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request(server.baseUrl, "GET", i % 2 ? "/colyseus/api" : "/api/admin/users/x/reports", { headers: basic(`guess-${i}`) }),
      ),
    );
    assert.equal(guesses.filter((res) => res.status === 401).length, 5, "only the limit's worth of guesses is checked");
    const refused = guesses.filter((res) => res.status === 429);
    assert.equal(refused.length, 25);
    assert.deepEqual(refused[0]!.body, { success: false, message: "Too many requests, try again later", code: "RATE_LIMITED" });
    assert.ok(refused[0]!.headers.get("retry-after"));
    assert.equal((await request(server.baseUrl, "GET", "/colyseus/api", { headers: basic(ADMIN_PASSWORD) })).status, 429);
    assert.equal((await request(server.baseUrl, "GET", "/api/admin/users/x/reports", { headers: basic(ADMIN_PASSWORD) })).status, 429);
  });
});

describe("admin credentials: the admin's own use", () => {
  const ADMIN_PASSWORD = "the real admin password";
  let server: TestServer;
  before(async () => {
    server = await bootServer({ ADMIN_PASSWORD, RATE_LIMIT_ADMIN_MAX: "3", RATE_LIMIT_ADMIN_WINDOW_MS: "60000" });
  });
  after(() => server.stop());

  it("never counts the right password, nor a request that presents no credentials", async () => {
    const authorization = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`;
    for (let i = 0; i < 10; i++) {
      assert.equal((await request(server.baseUrl, "GET", "/colyseus/api", { headers: { authorization } })).status, 200);
      const reports = await request(server.baseUrl, "GET", "/api/admin/users/nobody/reports", { headers: { authorization } });
      assert.ok(![401, 429].includes(reports.status), `admin API answered ${reports.status}`);
      assert.equal((await request(server.baseUrl, "GET", "/colyseus/")).status, 401, "the browser's first, challenged request");
    }
  });
});

async function rateLimitedCount(server: TestServer, limiter: string): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`pairline_rate_limited_total{limiter="${limiter}"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}
