import assert from "node:assert/strict";
import type { Stores } from "../../src/services/user-stores.ts";
import type { ReportedMessage } from "../../src/users/safety-store.ts";
import { forEachStoreBackend } from "./backends.ts";

let sequence = 0;
async function someUser(stores: Stores) {
  sequence += 1;
  const tag = `s${process.pid}_${sequence}_${Math.random().toString(36).slice(2, 7)}`;
  return stores.users.create({ username: tag, email: null, passwordHash: null, isGuest: true });
}

const message = (from: string, to: string): ReportedMessage => ({
  id: "m1",
  from,
  to,
  timestamp: "2023-11-14T22:13:20.000Z",
  type: "text",
  content: "rude words",
  signature: "sig",
});

forEachStoreBackend("SafetyStore contract", (open) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(() => stores.close());

  it("blocks one way and reports the pair both ways, idempotently", async () => {
    const [a, b, c] = [await someUser(stores), await someUser(stores), await someUser(stores)];
    await stores.safety.block(a.id, b.id);
    await stores.safety.block(a.id, b.id);
    await stores.safety.block(c.id, a.id);
    assert.deepEqual((await stores.safety.blockedEitherWay(a.id)).sort(), [b.id, c.id].sort());
    assert.deepEqual(await stores.safety.blockedEitherWay(b.id), [a.id]);
    assert.equal(await stores.safety.unblock(a.id, b.id), true);
    assert.equal(await stores.safety.unblock(a.id, b.id), false);
    assert.deepEqual(await stores.safety.blockedEitherWay(b.id), []);
  });

  it("keeps reports with their category, messages and source, and lists who filed those with evidence in a window", async () => {
    const [target, r1, r2, r3] = [await someUser(stores), await someUser(stores), await someUser(stores), await someUser(stores)];
    const first = await stores.safety.addReport({
      reporterId: r1.id,
      reportedId: target.id,
      category: "harassment",
      reason: "kept insulting me",
      messages: [message(target.id, r1.id)],
      roomId: "room1",
      reporterIp: "203.0.113.1",
      reporterDeviceId: "phone-1",
    });
    assert.match(first.id, /^[0-9a-f]{24}$/);
    const none = { reason: null, messages: [], roomId: null, reporterIp: "203.0.113.9", reporterDeviceId: null };
    await stores.safety.addReport({ ...none, reporterId: r1.id, reportedId: target.id, category: "spam" });
    await stores.safety.addReport({ ...none, reporterId: r2.id, reportedId: target.id, category: "underage" });
    await stores.safety.addReport({
      reporterId: r3.id,
      reportedId: target.id,
      category: "spam",
      reason: null,
      messages: [message(target.id, r3.id)],
      roomId: "room3",
      reporterIp: "198.51.100.7",
      reporterDeviceId: null,
    });

    const reports = await stores.safety.reportsAgainst(target.id);
    assert.equal(reports.length, 4);
    assert.equal(reports[0]!.category, "harassment");
    assert.equal(reports[0]!.reason, "kept insulting me");
    assert.deepEqual(reports[0]!.messages, [message(target.id, r1.id)]);
    assert.equal(reports[0]!.reporterIp, "203.0.113.1");
    assert.equal(reports[0]!.reporterDeviceId, "phone-1");
    assert.equal(reports[2]!.reporterDeviceId, null);

    const since = new Date(Date.now() - 60_000);
    assert.deepEqual(await stores.safety.evidencedReporters(target.id, since, 10), [
      { reporterId: r1.id, reporterIp: "203.0.113.1", reporterDeviceId: "phone-1" },
      { reporterId: r3.id, reporterIp: "198.51.100.7", reporterDeviceId: null },
    ], "reports without quoted messages are left out, oldest first");
    assert.deepEqual((await stores.safety.evidencedReporters(target.id, since, 1)).map((m) => m.reporterId), [r1.id]);
    assert.deepEqual(await stores.safety.evidencedReporters(target.id, new Date(Date.now() + 60_000), 10), []);
    assert.deepEqual(await stores.safety.evidencedReporters(r1.id, since, 10), []);
  });

  it("lists reports newest first, by reporter and by page, and deletes those past retention, evidence and all", async () => {
    const [target, reporter] = [await someUser(stores), await someUser(stores)];
    const file = (category: "spam" | "other") =>
      stores.safety.addReport({
        reporterId: reporter.id,
        reportedId: target.id,
        category,
        reason: null,
        messages: [message(target.id, reporter.id)],
        roomId: null,
        reporterIp: null,
        reporterDeviceId: null,
      });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const old = await file("spam");
    await pause();
    const cutoff = new Date();
    await pause();
    const recent = await file("other");
    assert.deepEqual((await stores.safety.reportsBy(reporter.id, 10)).map((r) => r.id), [recent.id, old.id]);
    assert.deepEqual((await stores.safety.reportsBy(reporter.id, 1)).map((r) => r.id), [recent.id]);
    const page = await stores.safety.recentReports({ limit: 1 });
    assert.equal(page[0]!.id, recent.id);
    assert.deepEqual((await stores.safety.recentReports({ before: recent.createdAt, limit: 10 })).map((r) => r.id).includes(old.id), true);
    assert.equal((await stores.safety.reportById(old.id))?.messages.length, 1);
    assert.equal(await stores.safety.reportById("0123456789abcdef01234567"), null);

    assert.equal(await stores.safety.deleteReportsBefore(cutoff, 1000) >= 1, true);
    assert.equal(await stores.safety.reportById(old.id), null, "the old report and its evidence are gone");
    assert.ok(await stores.safety.reportById(recent.id), "a recent one is kept");
    assert.equal(await stores.safety.deleteReport(recent.id), true);
    assert.equal(await stores.safety.deleteReport(recent.id), false);
    assert.deepEqual(await stores.safety.reportsAgainst(target.id), []);
  });

  it("knows the device a user recorded last", async () => {
    const user = await someUser(stores);
    assert.equal(await stores.safety.latestDeviceOf(user.id), null);
    const device = { userId: user.id, userAgent: null, ip: null, country: null };
    await stores.safety.recordDevice({ ...device, deviceId: "tablet" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stores.safety.recordDevice({ ...device, deviceId: "phone" });
    assert.equal(await stores.safety.latestDeviceOf(user.id), "phone");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stores.safety.recordDevice({ ...device, deviceId: "tablet" });
    assert.equal(await stores.safety.latestDeviceOf(user.id), "tablet", "using a device again makes it the latest");
    await stores.safety.recordDevice({ ...device, deviceId: "tablet", ip: "198.51.100.7" });
    assert.deepEqual(await stores.safety.latestDevice(user.id), { deviceId: "tablet", ip: "198.51.100.7" });
  });

  it("bans until a time, replaces a ban, and unbans", async () => {
    const user = await someUser(stores);
    const now = new Date();
    assert.equal(await stores.safety.activeBan(user.id, now), null);
    await stores.safety.ban(user.id, new Date(now.getTime() + 60_000), "spam", "reports");
    const ban = await stores.safety.activeBan(user.id, now);
    assert.equal(ban?.reason, "spam");
    assert.equal(ban?.by, "reports");
    assert.equal(await stores.safety.activeBan(user.id, new Date(now.getTime() + 120_000)), null, "a ban ends");
    await stores.safety.ban(user.id, new Date(now.getTime() + 600_000), "harassment", "admin");
    assert.equal((await stores.safety.activeBan(user.id, now))?.by, "admin");
    assert.equal(await stores.safety.unban(user.id), true);
    assert.equal(await stores.safety.activeBan(user.id, now), null);
  });

  it("keeps a user in the shadow pool until a time a later one extends, and lists the pool a page at a time", async () => {
    const [a, b, c] = [await someUser(stores), await someUser(stores), await someUser(stores)];
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms);
    // The store may hold users of earlier tests: this one looks from a moment none of theirs reaches.
    const later = at(3_600_000);
    assert.equal(await stores.safety.inShadowPool(a.id, at(0)), false);
    await stores.safety.shadow(a.id, at(3_600_000 + 60_000));
    await stores.safety.shadow(b.id, at(3_600_000 + 120_000));
    await stores.safety.shadow(c.id, at(30_000));
    assert.equal(await stores.safety.inShadowPool(a.id, at(0)), true);
    assert.equal(await stores.safety.inShadowPool(c.id, later), false, "the stay ends");
    await stores.safety.shadow(a.id, at(1000));
    assert.equal(await stores.safety.inShadowPool(a.id, later), true, "an earlier time never shortens a stay");
    const first = await stores.safety.shadowPool(later, 0, 1);
    assert.equal(first.total, 2);
    assert.equal(first.users.length, 1);
    const second = await stores.safety.shadowPool(later, 1, 1);
    assert.deepEqual([...first.users, ...second.users].map((user) => user.userId).sort(), [a.id, b.id].sort());
    assert.equal(second.users[0]!.until.getTime() > later.getTime(), true);
    assert.deepEqual((await stores.safety.shadowPool(later, 0, 0)).users, [], "an empty page reads nothing");
  });

  it("finds the ban of any user who used a device", async () => {
    const [banned, other] = [await someUser(stores), await someUser(stores)];
    const device = { deviceId: `dev-${banned.id}`, userAgent: "test", ip: "203.0.113.9", country: null };
    await stores.safety.recordDevice({ ...device, userId: banned.id });
    await stores.safety.recordDevice({ ...device, userId: banned.id });
    await stores.safety.recordDevice({ ...device, deviceId: `dev-${other.id}`, userId: other.id });
    const now = new Date();
    assert.equal(await stores.safety.activeBanOfDevice(device.deviceId, now), null);
    await stores.safety.ban(banned.id, new Date(now.getTime() + 60_000), "spam", "admin");
    assert.equal((await stores.safety.activeBanOfDevice(device.deviceId, now))?.userId, banned.id);
    assert.equal(await stores.safety.activeBanOfDevice(`dev-${other.id}`, now), null);
  });
});
