import assert from "node:assert/strict";
import { Client, MatchMakeError } from "@colyseus/sdk";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  RoomName,
} from "../../../rooms/protocol.ts";
import { guestBody, request } from "../../helpers/http.ts";
import {
  askForMatch,
  chattingPair,
  enterLobby,
  newUser,
  say,
  whenLeft,
  type ChatSide,
  type TestUser,
} from "../../helpers/realtime.ts";
import { chatAndReport } from "../../helpers/report.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const ADMIN = { user: "admin", password: "admin-password-for-tests" };
const adminAuth = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}` };

/** What `b` received from `a`, as a report quotes it. */
async function receivedFrom(a: ChatSide, b: ChatSide, text: string) {
  await say(a, text);
  return b.inbox.next(ChatServerMessage.Message);
}

describe("safety: block, report, ban", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ ADMIN_PASSWORD: ADMIN.password, REPORT_BAN_THRESHOLD: "2", TRUST_PROXY: "loopback" });
  });
  after(() => server.stop());
  const api = (method: string, path: string, token: string, body?: unknown) =>
    request(server.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });

  it("a blocked pair is never matched while others are, and unblocking lets them meet", async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => newUser(server.baseUrl))) as [TestUser, TestUser, TestUser, TestUser];
    assert.equal((await api("POST", `/api/users/${b.id}/block`, a.token)).status, 200);
    const [la, lb] = await Promise.all([enterLobby(a), enterLobby(b)]);
    la.room.send(LobbyClientMessage.Match, {});
    lb.room.send(LobbyClientMessage.Match, {});
    await Promise.all([la.inbox.next(LobbyServerMessage.Queued), lb.inbox.next(LobbyServerMessage.Queued)]);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(la.inbox.count(LobbyServerMessage.Matched), 0, "the blocker waits rather than meet the blocked");
    assert.equal(lb.inbox.count(LobbyServerMessage.Matched), 0, "the blocked waits too");

    const [lc, ld] = await Promise.all([enterLobby(c), enterLobby(d)]);
    const mc = await askForMatch(lc);
    const md = await askForMatch(ld);
    const partners = new Set([mc.matchedUser.id, md.matchedUser.id]);
    assert.deepEqual(partners, new Set([a.id, b.id]), "each of them meets someone else");
    await Promise.all([la, lb, lc, ld].map((s) => s.room.leave()));

    assert.equal((await api("DELETE", `/api/users/${b.id}/block`, a.token)).status, 200);
    assert.equal((await api("DELETE", `/api/users/${b.id}/block`, a.token)).status, 404);
    const [again, other] = await Promise.all([enterLobby(a), enterLobby(b)]);
    const [m1, m2] = await Promise.all([askForMatch(again), askForMatch(other)]);
    assert.equal(m1.matchedUser.id, b.id);
    assert.equal(m2.matchedUser.id, a.id);
    await Promise.all([again, other].map((s) => s.room.leave()));
  });

  it("refuses to block yourself or someone who does not exist", async () => {
    const me = await newUser(server.baseUrl);
    assert.equal((await api("POST", `/api/users/${me.id}/block`, me.token)).status, 400);
    assert.equal((await api("POST", "/api/users/0123456789abcdef01234567/block", me.token)).status, 404);
    assert.equal((await api("POST", "/api/users/not-an-id/block", me.token)).status, 400);
  });

  it("accepts a report quoting genuine messages, in the room and over REST", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const meeting = await b.inbox.next(ChatServerMessage.Meeting);
    assert.equal(meeting.partnerId, a.user.id);
    const evidence = await receivedFrom(a, b, "something nasty");
    b.room.send(ChatClientMessage.Report, { category: "harassment", reason: "rude", messages: [evidence] });
    const accepted = await b.inbox.next(ChatServerMessage.ReportAccepted);
    assert.match(accepted.reportId, /^[0-9a-f]{24}$/);

    const overRest = await api("POST", `/api/users/${a.user.id}/report`, b.user.token, { category: "spam", meeting: meeting.token, messages: [evidence] });
    assert.equal(overRest.status, 201);
    const kept = await server.services.safety.reportsAgainst(a.user.id);
    assert.equal(kept.length, 2);
    assert.equal(kept[0]!.category, "harassment");
    assert.equal(kept[0]!.messages[0]!.content, "something nasty");
    await Promise.all([a.room.leave(), b.room.leave()]);
  });

  it("refuses a report whose quoted message was altered, or was not sent by that user to the reporter", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const { token: meeting } = await b.inbox.next(ChatServerMessage.Meeting);
    const evidence = await receivedFrom(a, b, "the real words");
    const tampered = { ...evidence, content: "words they never said" };
    b.room.send(ChatClientMessage.Report, { category: "harassment", messages: [tampered] });
    const refused = await b.inbox.next(ChatServerMessage.Error);
    assert.equal(refused.code, "REPORT_EVIDENCE_INVALID");

    const overRest = await api("POST", `/api/users/${a.user.id}/report`, b.user.token, { category: "other", meeting, messages: [tampered] });
    assert.equal(overRest.status, 400);
    assert.equal(overRest.body.code, "REPORT_EVIDENCE_INVALID");

    const stranger = await newUser(server.baseUrl);
    const stolen = await api("POST", `/api/users/${a.user.id}/report`, stranger.token, { category: "other", meeting, messages: [evidence] });
    assert.equal(stolen.status, 403, "another pair's chat and messages are no evidence for a third party");
    assert.equal(stolen.body.code, "REPORT_MEETING_INVALID");
    assert.equal((await server.services.safety.reportsAgainst(a.user.id)).length, 0);

    b.room.send(ChatClientMessage.Message, { type: "text", content: "still chatting", clientMessageId: "x" });
    assert.equal((await a.inbox.next(ChatServerMessage.Message)).content, "still chatting");
    await Promise.all([a.room.leave(), b.room.leave()]);
  });

  it("reports quoting evidence from enough independent users ban, and the banned user is refused everywhere with BANNED", async () => {
    const account = { username: `villain_${Date.now() % 1e6}`, email: `villain${Date.now()}@example.com`, password: "Password123" };
    const registered = await request(server.baseUrl, "POST", "/api/auth/register", { body: account });
    const villain: TestUser = { id: registered.body.data.user.id, username: account.username, token: registered.body.data.token, client: new Client(server.baseUrl) };
    villain.client.auth.token = villain.token;
    assert.equal((await api("POST", "/api/users/device", villain.token, { deviceId: "villain-phone-1" })).status, 200);

    for (let i = 0; i < 2; i++) {
      await chatAndReport(server.baseUrl, villain, { address: `192.0.2.${10 + i}`, says: "cheap pills", category: "spam" });
    }

    const me = await api("GET", "/api/auth/me", villain.token);
    assert.equal(me.status, 403);
    assert.equal(me.body.code, "BANNED");
    assert.ok(Date.parse(me.body.errors.until) > Date.now(), "the answer says until when");
    const login = await request(server.baseUrl, "POST", "/api/auth/login", { body: { email: account.email, password: account.password } });
    assert.equal(login.status, 403);
    assert.equal(login.body.code, "BANNED");
    const guest = await request(server.baseUrl, "POST", "/api/auth/guest", { body: await guestBody(server.baseUrl, { deviceId: "villain-phone-1" }) });
    assert.equal(guest.status, 403, "no fresh guest identity on the same device");
    await assert.rejects(villain.client.joinOrCreate(RoomName.Lobby), (error: unknown) => {
      assert.ok(error instanceof MatchMakeError);
      assert.match(error.message, /Banned until/);
      return true;
    });
    const otherDevice = await request(server.baseUrl, "POST", "/api/auth/guest", { body: await guestBody(server.baseUrl, { deviceId: "someone-else-1" }) });
    assert.equal(otherDevice.status, 201);
  });

  it("admins ban and unban with their credentials only", async () => {
    const target = await newUser(server.baseUrl);
    const path = `/api/admin/users/${target.id}/ban`;
    const noCredentials = await request(server.baseUrl, "POST", path, { body: { reason: "spam", hours: 1 } });
    assert.equal(noCredentials.status, 401);
    const asUser = await request(server.baseUrl, "POST", path, { body: { reason: "spam", hours: 1 }, token: target.token });
    assert.equal(asUser.status, 401);

    const banned = await request(server.baseUrl, "POST", path, { body: { reason: "spam", hours: 1 }, headers: adminAuth });
    assert.equal(banned.status, 200);
    assert.equal(banned.body.data.ban.by, ADMIN.user);
    assert.equal((await api("GET", "/api/auth/me", target.token)).body.code, "BANNED");
    const reports = await request(server.baseUrl, "GET", `/api/admin/users/${target.id}/reports`, { headers: adminAuth });
    assert.equal(reports.body.data.ban.reason, "spam");

    const bad = await request(server.baseUrl, "POST", path, { body: { reason: "spam" }, headers: adminAuth });
    assert.equal(bad.status, 400, "hours or until is required");

    assert.equal((await request(server.baseUrl, "DELETE", path, { headers: adminAuth })).status, 200);
    assert.equal((await api("GET", "/api/auth/me", target.token)).status, 200);
    assert.equal((await request(server.baseUrl, "DELETE", path, { headers: adminAuth })).status, 404);
  });
});

describe("safety: a ban takes effect at once", () => {
  it("closes the banned user's live chat, telling them why, and the partner sees them leave", async () => {
    const server = await bootServer({ ADMIN_PASSWORD: ADMIN.password });
    try {
      const [a, b] = await chattingPair(server.baseUrl);
      const aLeft = whenLeft(a.room);
      const res = await request(server.baseUrl, "POST", `/api/admin/users/${a.user.id}/ban`, {
        body: { reason: "abuse", hours: 2 },
        headers: adminAuth,
      });
      assert.equal(res.status, 200);
      const told = await a.inbox.next(ChatServerMessage.Error);
      assert.equal(told.code, "BANNED");
      assert.match(told.message, /Banned until/);
      assert.equal(await aLeft, 4000);
      const left = await b.inbox.next(ChatServerMessage.PartnerLeft);
      assert.equal(left.userId, a.user.id);
      await b.room.leave();
    } finally {
      await server.stop();
    }
  });
});

describe("safety: the admin API without an admin password", () => {
  it("is not there (404)", async () => {
    const server = await bootServer();
    try {
      const user = await newUser(server.baseUrl);
      const res = await request(server.baseUrl, "POST", `/api/admin/users/${user.id}/ban`, {
        body: { reason: "x", hours: 1 },
        headers: adminAuth,
      });
      assert.equal(res.status, 404);
    } finally {
      await server.stop();
    }
  });
});
