import assert from "node:assert/strict";
import type { Browser, BrowserContext } from "playwright-core";
import { ChatClientMessage, ChatServerMessage } from "../../rooms/protocol.ts";
import { launchChromium, openDemoPage, requireChromium, saveScreenshot, watchCspViolations, type PageUser } from "../helpers/browser.ts";
import { Scrape } from "../helpers/metrics.ts";
import { chattingPair, say, type ChatSide } from "../helpers/realtime.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

const ADMIN = { username: "moderator", password: "admin-password-for-tests" };

describe("moderators' console page", function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  before(async function () {
    requireChromium(this);
    // One report with verified evidence puts its target in the shadow pool, three would ban.
    server = await bootServer({ ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, SHADOW_POOL_REPORTERS: "1", REPORT_BAN_THRESHOLD: "3" });
    browser = await launchChromium();
  });
  afterEach(() => context?.close());
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The target says something rude, the reporter reports it quoting the signed message; and a forged copy of that report. */
  async function reported(): Promise<{ target: ChatSide; reporter: ChatSide; reportId: string }> {
    const [target, reporter] = await chattingPair(server.baseUrl);
    await say(target, "something nasty");
    const evidence = await reporter.inbox.next(ChatServerMessage.Message);
    reporter.room.send(ChatClientMessage.Report, { category: "harassment", reason: "rude", messages: [evidence] });
    const { reportId } = await reporter.inbox.next(ChatServerMessage.ReportAccepted);
    await Promise.all([target.room.leave(), reporter.room.leave()]);
    await server.services.safety.addReport({
      reporterId: reporter.user.id,
      reportedId: target.user.id,
      category: "spam",
      reason: "forged",
      messages: [{ ...evidence, content: "words never said" }],
      roomId: null,
      reporterIp: null,
      reporterDeviceId: null,
    });
    return { target, reporter, reportId };
  }

  async function openConsole(): Promise<PageUser & { violations: string[] }> {
    const user = await openDemoPage(browser, `${server.baseUrl}/moderation/`, { httpCredentials: ADMIN });
    context = user.context;
    const violations = await watchCspViolations(user.page);
    await user.page.waitForSelector("body[data-ready=yes]");
    return { ...user, violations };
  }

  it("is refused without the admin credentials", async () => {
    for (const headers of [{}, { authorization: `Basic ${Buffer.from(`${ADMIN.username}:wrong`).toString("base64")}` }]) {
      for (const path of ["/moderation/", "/moderation/console.js", "/moderation/index.html"]) {
        const res = await fetch(`${server.baseUrl}${path}`, { headers });
        assert.equal(res.status, 401, path);
        assert.equal(((await res.json()) as { code: string }).code, "UNAUTHORIZED");
      }
    }
  });

  it("shows reports with their evidence marked verified or not, the shadow pool, and bans and unbans from the page into the audit log", async () => {
    const before = await Scrape.of(server.baseUrl);
    const { target, reporter, reportId } = await reported();
    const after = await Scrape.of(server.baseUrl);
    const grew = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    assert.equal(grew("pairline_matches_total"), 1, "the chat is counted (reports per 1,000 chats divide by it)");
    assert.equal(grew("pairline_reports_total", { evidence: "verified" }), 1, "the report with verified evidence is counted");
    assert.equal(after.value("pairline_shadow_pool_users"), 1, "its target is in the shadow pool");
    const { page, problems, violations } = await openConsole();

    const reports = page.locator("#reports > li");
    const genuine = reports.filter({ hasText: "something nasty" });
    const forged = reports.filter({ hasText: "words never said" });
    await genuine.first().waitFor();
    assert.equal(await genuine.locator(".quote .badge").innerText(), "verified");
    assert.equal(await forged.locator(".quote .badge").innerText(), "not verified");
    assert.equal(await forged.locator("p").first().locator(".badge").innerText(), "not verified", "the report as a whole too");

    await page.locator("#shadow > li").filter({ hasText: target.user.id }).waitFor();
    assert.match(await page.locator("#shadow-total").innerText(), /of 1$/);

    // The reporter's history: the reports they filed.
    await genuine.getByRole("button", { name: "reporter" }).click();
    await page.locator("#user-summary").filter({ hasText: reporter.user.username }).waitFor();
    assert.equal(await page.locator("#user-filed > li").count(), 2);

    // The target's history, then a ban with a reason and an expiry.
    await genuine.getByRole("button", { name: "target" }).click();
    await page.locator("#user-summary").filter({ hasText: target.user.username }).waitFor();
    assert.match(await page.locator("#user-summary").innerText(), /2 report\(s\) against them/);
    assert.equal(await page.locator("#user-ban").innerText(), "Not banned.");
    const banForm = page.locator("#ban-form");
    await banForm.getByLabel("Reason").fill("harassment, verified");
    await banForm.getByLabel("Hours", { exact: true }).fill("5");
    await page.getByRole("button", { name: "Ban", exact: true }).click();
    await page.locator("#user-ban").filter({ hasText: "harassment, verified" }).waitFor();

    const ban = await server.services.safety.activeBan(target.user.id, new Date());
    assert.ok(ban, "the user really is banned");
    assert.equal(ban.reason, "harassment, verified");
    assert.equal(ban.by, ADMIN.username);
    const hours = (ban.until.getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 4.9 && hours <= 5, `for 5 hours (${hours})`);
    assert.equal((await Scrape.of(server.baseUrl)).value("pairline_bans_total", { kind: "manual" }) - before.value("pairline_bans_total", { kind: "manual" }), 1);

    const banEntry = page.locator("#audit > li").filter({ hasText: "ban" }).filter({ hasText: target.user.id });
    await banEntry.first().waitFor();
    assert.match(await banEntry.first().innerText(), new RegExp(`${ADMIN.username} ban ${target.user.id} \\(reason: harassment, verified, until: `));

    await page.locator("#unban-form").getByLabel("Reason").fill("appeal accepted");
    await page.getByRole("button", { name: "Unban" }).click();
    await page.locator("#user-ban").filter({ hasText: "Not banned." }).waitFor();
    assert.equal(await server.services.safety.activeBan(target.user.id, new Date()), null);
    await page.locator("#audit > li").filter({ hasText: "unban" }).filter({ hasText: "appeal accepted" }).first().waitFor();

    // Dismissing deletes the report with its evidence, and is logged too.
    await page.locator("#reports > li").filter({ hasText: "words never said" }).getByRole("button", { name: /Dismiss/ }).click();
    await page.locator("#audit > li").filter({ hasText: "dismiss-report" }).first().waitFor();
    assert.equal(await page.locator("#reports > li").filter({ hasText: "words never said" }).count(), 0);
    assert.ok(await server.services.safety.reportById(reportId), "the other report stays");

    console.log(`      screenshot: ${await saveScreenshot(page, "moderation-console")}`);
    assert.deepEqual(violations, [], "no Content-Security-Policy violation");
    assert.deepEqual(problems, [], "no errors in the page");
  });
});
