import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage } from "../../../rooms/protocol.ts";
import { basicAuth as basic, request } from "../../helpers/http.ts";
import { Scrape } from "../../helpers/metrics.ts";
import { chattingPair, newUser, say, type ChatSide } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const ADMIN = { user: "moderator", password: "admin-password-for-tests" };
const adminAuth = basic(ADMIN.user, ADMIN.password);

async function receivedFrom(a: ChatSide, b: ChatSide, text: string) {
  await say(a, text);
  return b.inbox.next(ChatServerMessage.Message);
}

describe("moderators' console: reports with their evidence, history, bans, and an audit log of every action", function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await bootServer({ ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
  });
  after(() => server.stop());
  const admin = (method: string, path: string, body?: unknown) =>
    request(server.baseUrl, method, `/api/admin${path}`, { headers: adminAuth, ...(body === undefined ? {} : { body }) });

  it("refuses every console route to anyone but the admin", async () => {
    const someone = await newUser(server.baseUrl);
    const routes: Array<[string, string]> = [
      ["GET", "/api/admin/reports"],
      ["GET", "/api/admin/audit"],
      ["GET", "/api/admin/shadow-pool"],
      ["GET", `/api/admin/users/${someone.id}`],
      ["GET", `/api/admin/users/${someone.id}/reports`],
      ["POST", `/api/admin/users/${someone.id}/ban`],
      ["DELETE", `/api/admin/users/${someone.id}/ban`],
      ["DELETE", "/api/admin/reports/0123456789abcdef01234567"],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, basic(ADMIN.user, "wrong-password"), { authorization: `Bearer ${someone.token}` }]) {
        const res = await request(server.baseUrl, method, path, { headers, body: method === "GET" ? undefined : { reason: "x", hours: 1 } });
        assert.equal(res.status, 401, `${method} ${path} with ${JSON.stringify(headers).slice(0, 30)}`);
        assert.equal(res.body.code, "UNAUTHORIZED");
      }
    }
    const audit = await admin("GET", `/api/admin/audit?targetId=${someone.id}`.replace("/api/admin", ""));
    assert.deepEqual(audit.body.data.entries, [], "and nothing was done");
  });

  it("refuses a change another site's page makes the admin's browser send with its saved login", async () => {
    const someone = await newUser(server.baseUrl);
    for (const site of ["cross-site", "same-site"]) {
      const forged = await request(server.baseUrl, "POST", `/api/admin/users/${someone.id}/ban`, {
        headers: { ...adminAuth, "sec-fetch-site": site },
        body: { reason: "forged", hours: 1 },
      });
      assert.equal(forged.status, 403, site);
      assert.equal(forged.body.code, "FORBIDDEN");
    }
    assert.equal((await request(server.baseUrl, "GET", "/api/auth/me", { token: someone.token })).status, 200, "not banned");
    const own = await request(server.baseUrl, "GET", `/api/admin/users/${someone.id}`, { headers: { ...adminAuth, "sec-fetch-site": "same-origin" } });
    assert.equal(own.status, 200, "the console's own requests are served");
    const linked = await request(server.baseUrl, "GET", "/api/admin/reports", { headers: { ...adminAuth, "sec-fetch-site": "cross-site" } });
    assert.equal(linked.status, 200, "a link from elsewhere may still open a page");
  });

  it("shows reports with their evidence marked verified or not, and both users' history", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const evidence = await receivedFrom(a, b, "something nasty");
    b.room.send(ChatClientMessage.Report, { category: "harassment", reason: "rude", messages: [evidence] });
    const { reportId } = await b.inbox.next(ChatServerMessage.ReportAccepted);
    await Promise.all([a.room.leave(), b.room.leave()]);
    // A quote whose signature no longer matches (kept from before a secret was changed, say).
    await server.services.safety.addReport({
      reporterId: b.user.id,
      reportedId: a.user.id,
      category: "spam",
      reason: null,
      messages: [{ ...evidence, to: b.user.id, content: "words never said", signature: evidence.signature }],
      roomId: null,
      reporterIp: null,
      reporterDeviceId: null,
    });

    const list = await admin("GET", "/reports?limit=10");
    assert.equal(list.status, 200);
    const genuine = list.body.data.reports.find((r: { id: string }) => r.id === reportId);
    assert.equal(genuine.verified, true);
    assert.equal(genuine.messages[0].content, "something nasty");
    assert.equal(genuine.messages[0].verified, true);
    const forged = list.body.data.reports.find((r: { category: string; reportedId: string }) => r.category === "spam" && r.reportedId === a.user.id);
    assert.equal(forged.verified, false);
    assert.equal(forged.messages[0].verified, false);

    const target = await admin("GET", `/users/${a.user.id}`);
    assert.equal(target.status, 200);
    assert.equal(target.body.data.user.username, a.user.username);
    assert.equal(target.body.data.reportsAgainstTotal, 2);
    const reporter = await admin("GET", `/users/${b.user.id}`);
    assert.equal(reporter.body.data.reportsFiled.length, 2, "the reporter's history: the reports they filed");
  });

  it("writes every moderator action to the audit log: who, what, when, about whom", async () => {
    const target = await newUser(server.baseUrl);
    const bansBefore = (await Scrape.of(server.baseUrl)).value("pairline_bans_total", { kind: "manual" });
    const until = new Date(Date.now() + 3 * 3600 * 1000).toISOString();
    assert.equal((await admin("POST", `/users/${target.id}/ban`, { reason: "spam links", until })).status, 200);
    assert.equal((await admin("DELETE", `/users/${target.id}/ban`, { reason: "appeal accepted" })).status, 200);
    assert.equal((await admin("GET", `/users/${target.id}/reports`)).status, 200);
    assert.equal((await admin("POST", `/users/${target.id}/ban`, { reason: "again", hours: 2 })).status, 200);
    const [reporterSide, targetSide] = [await newUser(server.baseUrl), target];
    const report = await server.services.moderation.report({
      reporterId: reporterSide.id,
      reportedId: targetSide.id,
      category: "other",
      reason: "no evidence",
      messages: [],
      roomId: null,
      reporterIp: null,
    });
    assert.equal((await admin("DELETE", `/reports/${report.report.id}`)).status, 200);
    assert.equal((await admin("DELETE", `/reports/${report.report.id}`)).status, 404, "gone with its evidence");

    const log = await admin("GET", `/audit?targetId=${target.id}`);
    assert.equal(log.status, 200);
    const entries = log.body.data.entries as Array<{ actor: string; action: string; at: string; targetId: string; details: Record<string, unknown> }>;
    assert.deepEqual(
      entries.map((e) => e.action),
      ["dismiss-report", "ban", "view-reports", "unban", "ban"],
      "newest first",
    );
    for (const entry of entries) {
      assert.equal(entry.actor, ADMIN.user);
      assert.equal(entry.targetId, target.id);
      assert.ok(Date.now() - Date.parse(entry.at) < 60_000);
    }
    assert.deepEqual(entries.at(-1)!.details, { reason: "spam links", until });
    assert.deepEqual(entries[3]!.details, { reason: "appeal accepted" });
    assert.equal(entries[0]!.details.reportId, report.report.id);
    const bansAfter = (await Scrape.of(server.baseUrl)).value("pairline_bans_total", { kind: "manual" });
    assert.equal(bansAfter - bansBefore, 2, "manual bans are counted");
  });

  it("pages the shadow pool (empty here: its members are listed by the shadow-pool suite)", async () => {
    const res = await admin("GET", "/shadow-pool?offset=0&limit=10");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { members: [], total: 0 });
    assert.equal((await admin("GET", "/shadow-pool?limit=0")).status, 400);
  });
});
