import assert from "node:assert/strict";
import { solveGuestChallenge } from "../../src/auth/guest-challenge-solver.ts";
import { request, type JsonResponse } from "../helpers/http.ts";
import { Scrape } from "../helpers/metrics.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

const ADMIN_PASSWORD = "admin-password-for-tests";
const adminAuth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` };
const from = (address: string) => ({ "x-forwarded-for": address });

interface Challenge {
  parameters: { data: { max: number } } & Record<string, unknown>;
  signature: string;
}

describe("guest challenge: a bot pays proof of work for every guest", function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    // The default difficulty (no GUEST_CHALLENGE_MAX_NUMBER), as a person meets it.
    server = await bootServer({ GUEST_CHALLENGE_MAX_NUMBER: "", TRUST_PROXY: "loopback", ADMIN_PASSWORD });
  });
  after(() => server.stop());

  const challengeFor = async (address: string, deviceId?: string): Promise<Challenge> => {
    const query = deviceId ? `?deviceId=${deviceId}` : "";
    const res = await request(server.baseUrl, "GET", `/api/auth/challenge${query}`, { headers: from(address) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get("cache-control"), "no-store");
    return res.body.data.challenge;
  };
  const guest = (address: string, body: Record<string, unknown>): Promise<JsonResponse> =>
    request(server.baseUrl, "POST", "/api/auth/guest", { body, headers: from(address) });
  const assertRefused = (res: JsonResponse, code: string) => {
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.success, false);
    assert.equal(res.body.code, code);
    assert.match(res.body.message, /\/api\/auth\/challenge|challenge/);
  };

  it("refuses a guest without a solved challenge, with a clear error", async () => {
    assertRefused(await guest("198.51.100.1", {}), "CHALLENGE_REQUIRED");
    assertRefused(await guest("198.51.100.1", { altcha: "bm90IGEgcGF5bG9hZA==" }), "CHALLENGE_INVALID");
  });

  it("lets in a guest who solved one at the default difficulty, once: a replay is refused", async () => {
    const before = await Scrape.of(server.baseUrl);
    const altcha = await solveGuestChallenge((await challengeFor("198.51.100.2")) as never);
    const first = await guest("198.51.100.2", { altcha });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.ok(first.body.data.token);
    assertRefused(await guest("198.51.100.2", { altcha }), "CHALLENGE_USED");
    const after = await Scrape.of(server.baseUrl);
    const solved = (scrape: Scrape) => scrape.value("pairline_guest_challenge_solve_seconds_count", { source: "client" });
    assert.equal(solved(after) - solved(before), 1, "the solve time is measured");
    const used = (scrape: Scrape) => scrape.value("pairline_guest_challenges_refused_total", { reason: "used" });
    assert.equal(used(after) - used(before), 1);
  });

  it("refuses a solution that was altered, or brought from another address or device", async () => {
    const challenge = await challengeFor("198.51.100.3", "phone-of-three");
    const altcha = await solveGuestChallenge(challenge as never);
    const payload = JSON.parse(Buffer.from(altcha, "base64").toString());
    payload.challenge.parameters.data.max = 10;
    const altered = Buffer.from(JSON.stringify(payload)).toString("base64");
    assertRefused(await guest("198.51.100.3", { deviceId: "phone-of-three", altcha: altered }), "CHALLENGE_INVALID");
    assertRefused(await guest("198.51.100.33", { deviceId: "phone-of-three", altcha }), "CHALLENGE_INVALID");
    assertRefused(await guest("198.51.100.3", { deviceId: "another-phone", altcha }), "CHALLENGE_INVALID");
    const wrongKey = JSON.parse(Buffer.from(altcha, "base64").toString());
    wrongKey.solution.derivedKey = "00".repeat(32);
    wrongKey.solution.counter = 1;
    assertRefused(await guest("198.51.100.3", { deviceId: "phone-of-three", altcha: Buffer.from(JSON.stringify(wrongKey)).toString("base64") }), "CHALLENGE_INVALID");
    assert.equal((await guest("198.51.100.3", { deviceId: "phone-of-three", altcha })).status, 201, "the genuine one still works");
  });

  it("grows harder for an address after refusals, and for a banned user's device and address", async () => {
    const base = (await challengeFor("198.51.100.4")).parameters.data.max;
    assert.equal(base, 100_000, "the default difficulty");
    await guest("198.51.100.4", {});
    assert.equal((await challengeFor("198.51.100.4")).parameters.data.max, base * 4, "one refusal: four times the work");
    await guest("198.51.100.4", {});
    assert.equal((await challengeFor("198.51.100.4")).parameters.data.max, base * 16);
    assert.equal((await challengeFor("198.51.100.5")).parameters.data.max, base, "another address is not affected");

    const altcha = await solveGuestChallenge((await challengeFor("198.51.100.6", "villain-device")) as never);
    const villain = await guest("198.51.100.6", { deviceId: "villain-device", altcha });
    assert.equal(villain.status, 201);
    const ban = await request(server.baseUrl, "POST", `/api/admin/users/${villain.body.data.user.id}/ban`, {
      headers: adminAuth,
      body: { hours: 1, reason: "abuse" },
    });
    assert.equal(ban.status, 200);
    await waitFor(async () => (await challengeFor("198.51.100.6")).parameters.data.max === base * 4);
    assert.equal((await challengeFor("203.0.113.99", "villain-device")).parameters.data.max, base * 4, "the device, from anywhere");
  });
});

describe("guest challenge off (GUEST_CHALLENGE=false)", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ GUEST_CHALLENGE: "false" });
  });
  after(() => server.stop());

  it("lets guests in without one, and says there is none to get", async () => {
    assert.equal((await request(server.baseUrl, "POST", "/api/auth/guest", { body: {} })).status, 201);
    assert.equal((await request(server.baseUrl, "GET", "/api/auth/challenge")).status, 404);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail("never happened");
}
