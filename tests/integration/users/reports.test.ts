import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { ChatClientMessage, ChatServerMessage, LobbyServerMessage, RoomName, type ChatServerPayloads } from "../../../rooms/protocol.ts";
import { guestBody, newAccount, request } from "../../helpers/http.ts";
import { askForMatch, enterLobby, say, takeSeat, type ChatSide, type TestUser } from "../../helpers/realtime.ts";
import { Scrape } from "../../helpers/metrics.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const ADMIN_PASSWORD = "admin-password-for-tests";
const adminAuth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` };

type Meeting = ChatServerPayloads[typeof ChatServerMessage.Meeting];

/** A user whose every request and connection comes from `address` (the server trusts X-Forwarded-For from loopback). */
interface Person extends TestUser {
  address: string;
}

describe("reports: only evidence from independent people who really chatted can ban", function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    // Without a shadow pool: after two reporters it would keep the third from meeting the target (its own suite tests it).
    server = await bootServer({ TRUST_PROXY: "loopback", ADMIN_PASSWORD, REPORT_BAN_THRESHOLD: "3", SHADOW_POOL_REPORTERS: "3" });
  });
  after(() => server.stop());

  const from = (address: string) => ({ "x-forwarded-for": address });

  async function guestFrom(address: string, deviceId?: string): Promise<Person> {
    const res = await request(server.baseUrl, "POST", "/api/auth/guest", {
      body: await guestBody(server.baseUrl, deviceId ? { deviceId } : {}, from(address)),
      headers: from(address),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const client = new Client(server.baseUrl, { headers: from(address) });
    client.auth.token = res.body.data.token;
    return { id: res.body.data.user.id, username: res.body.data.user.username, token: res.body.data.token, client, address };
  }

  /** A registered victim, who can log in again with `account`. */
  async function victimFrom(address: string) {
    const account = newAccount("victim");
    const res = await request(server.baseUrl, "POST", "/api/auth/register", { body: account, headers: from(address) });
    assert.equal(res.status, 201);
    const client = new Client(server.baseUrl, { headers: from(address) });
    client.auth.token = res.body.data.token;
    const person: Person = { id: res.body.data.user.id, username: account.username, token: res.body.data.token, client, address };
    return { person, account };
  }

  const reportOverRest = (reporter: Person, targetId: string, body: object) =>
    request(server.baseUrl, "POST", `/api/users/${targetId}/report`, { body, token: reporter.token, headers: from(reporter.address) });

  /** The two are matched (nobody else waits) and seated in their chat; each side gets its meeting token. */
  async function meet(a: Person, b: Person): Promise<[ChatSide & { meeting: Meeting }, ChatSide & { meeting: Meeting }]> {
    const sessions = await Promise.all([enterLobby(a), enterLobby(b)]);
    const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
    assert.equal(matched[0]!.matchedUser.id, b.id);
    const sides = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
    const meetings = await Promise.all(sides.map((side) => side.inbox.next<Meeting>(ChatServerMessage.Meeting)));
    return [
      { ...sides[0]!, meeting: meetings[0]! },
      { ...sides[1]!, meeting: meetings[1]! },
    ];
  }

  const leaveBoth = (sides: ChatSide[]) => Promise.all(sides.map((side) => side.room.leave().catch(() => undefined)));

  /** What `to` received from `from`, quoted as a report quotes it. */
  async function evidence(saying: ChatSide, hearing: ChatSide, text: string) {
    await say(saying, text);
    return hearing.inbox.next(ChatServerMessage.Message);
  }

  async function reportInRoom(side: ChatSide, body: object) {
    side.room.send(ChatClientMessage.Report, body);
    return side.inbox.next(ChatServerMessage.ReportAccepted);
  }

  async function assertNotBanned(victim: Person, account: { email: string; password: string }) {
    assert.equal((await request(server.baseUrl, "GET", "/api/auth/me", { token: victim.token })).status, 200, "the victim's session still works");
    const login = await request(server.baseUrl, "POST", "/api/auth/login", { body: { email: account.email, password: account.password } });
    assert.equal(login.status, 200, "the victim can log in");
    const lobby = await victim.client.joinOrCreate(RoomName.Lobby);
    await new Promise<void>((resolve) => lobby.onMessage(LobbyServerMessage.ConnectionEstablished, () => resolve()));
    await lobby.leave();
  }

  it("refuses the issue's attack: three guests from one address report a stranger they never met, with no evidence", async () => {
    const { person: victim, account } = await victimFrom("198.51.100.10");
    const bots = await Promise.all([1, 2, 3].map(() => guestFrom("203.0.113.66")));
    for (const bot of bots) {
      const bare = await reportOverRest(bot, victim.id, { category: "underage" });
      assert.equal(bare.status, 400, "a report must name a chat");
      assert.equal(bare.body.code, "VALIDATION_FAILED");
      assert.ok(bare.body.errors.some((e: { field: string }) => e.field.endsWith("meeting")));
      const forged = await reportOverRest(bot, victim.id, { category: "underage", meeting: `fake.${Date.now()}.c2lnbmF0dXJl` });
      assert.equal(forged.status, 403);
      assert.equal(forged.body.code, "REPORT_MEETING_INVALID");
    }
    assert.deepEqual(await server.services.safety.reportsAgainst(victim.id), [], "nothing was filed");
    await assertNotBanned(victim, account);
  });

  it("refuses a report about someone the reporter never chatted with, even with another chat's token", async () => {
    const { person: victim } = await victimFrom("198.51.100.11");
    const [attacker, accomplice] = await Promise.all([guestFrom("203.0.113.67"), guestFrom("203.0.113.68")]);
    const [withAccomplice] = await meet(attacker, accomplice);
    const ownChat = await reportOverRest(attacker, victim.id, { category: "harassment", meeting: withAccomplice.meeting.token });
    assert.equal(ownChat.status, 403, "a chat with someone else proves nothing about the victim");
    assert.equal(ownChat.body.code, "REPORT_MEETING_INVALID");
    await leaveBoth([withAccomplice]);

    const [victimSide, accompliceSide] = await meet(victim, accomplice);
    await leaveBoth([victimSide, accompliceSide]);
    const borrowed = await reportOverRest(attacker, victim.id, { category: "harassment", meeting: accompliceSide.meeting.token });
    assert.equal(borrowed.status, 403, "the token of someone else's chat with the victim is not the attacker's");
    assert.equal(borrowed.body.code, "REPORT_MEETING_INVALID");
    assert.deepEqual(await server.services.safety.reportsAgainst(victim.id), []);
  });

  it("keeps reports without evidence for moderators and never bans on them, however many people file them", async () => {
    const { person: victim, account } = await victimFrom("198.51.100.12");
    for (const [i, address] of ["203.0.113.1", "203.0.113.2", "203.0.113.3"].entries()) {
      const reporter = await guestFrom(address, `device-${i}-${Date.now()}`);
      const [victimSide, reporterSide] = await meet(victim, reporter);
      if (i === 0) await reportInRoom(reporterSide, { category: "underage" });
      await leaveBoth([victimSide, reporterSide]);
      if (i > 0) {
        const filed = await reportOverRest(reporter, victim.id, { category: "underage", meeting: reporterSide.meeting.token });
        assert.equal(filed.status, 201);
      }
    }
    const kept = await request(server.baseUrl, "GET", `/api/admin/users/${victim.id}/reports`, { headers: adminAuth });
    assert.equal(kept.body.data.reports.length, 3, "moderators see every report");
    assert.equal(kept.body.data.ban, null);
    assert.deepEqual(kept.body.data.reports.map((r: { reporterIp: string }) => r.reporterIp), ["203.0.113.1", "203.0.113.2", "203.0.113.3"]);
    await assertNotBanned(victim, account);
  });

  it("counts three guests from one address who quote the victim's real messages as one reporter", async () => {
    const { person: victim, account } = await victimFrom("198.51.100.13");
    for (let i = 0; i < 3; i++) {
      const bot = await guestFrom("203.0.113.99", `bot-device-${i}-${Date.now()}`);
      const [victimSide, botSide] = await meet(victim, bot);
      const quoted = await evidence(victimSide, botSide, `hi number ${i}`);
      await reportInRoom(botSide, { category: "underage", messages: [quoted] });
      await leaveBoth([victimSide, botSide]);
    }
    assert.equal((await server.services.safety.reportsAgainst(victim.id)).length, 3);
    await assertNotBanned(victim, account);
  });

  it("bans on verified evidence from three reporters on distinct addresses and devices, in the room and over REST", async () => {
    const automaticBans = async () => (await Scrape.of(server.baseUrl)).value("pairline_bans_total", { kind: "automatic" });
    const bansBefore = await automaticBans();
    const { person: villain } = await victimFrom("198.51.100.14");
    const reporters = await Promise.all(
      ["192.0.2.1", "192.0.2.2", "192.0.2.3"].map((address, i) => guestFrom(address, `phone-${i}-${Date.now()}`)),
    );
    for (const [i, reporter] of reporters.entries()) {
      const [villainSide, reporterSide] = await meet(villain, reporter);
      const quoted = await evidence(villainSide, reporterSide, `something nasty ${i}`);
      if (i < 2) {
        await reportInRoom(reporterSide, { category: "harassment", messages: [quoted] });
        await leaveBoth([villainSide, reporterSide]);
        assert.equal((await request(server.baseUrl, "GET", "/api/auth/me", { token: villain.token })).status, 200, `not banned after ${i + 1}`);
      } else {
        await leaveBoth([villainSide, reporterSide]);
        const filed = await reportOverRest(reporter, villain.id, {
          category: "harassment",
          meeting: reporterSide.meeting.token,
          messages: [quoted],
        });
        assert.equal(filed.status, 201, JSON.stringify(filed.body));
      }
    }
    const me = await request(server.baseUrl, "GET", "/api/auth/me", { token: villain.token });
    assert.equal(me.status, 403);
    assert.equal(me.body.code, "BANNED");
    assert.equal((await automaticBans()) - bansBefore, 1, "the ban is counted as automatic");
    const kept = await request(server.baseUrl, "GET", `/api/admin/users/${villain.id}/reports`, { headers: adminAuth });
    assert.equal(kept.body.data.ban.by, "reports");
    const reports = kept.body.data.reports as Array<{ roomId: string | null; reporterIp: string; reporterDeviceId: string }>;
    assert.deepEqual(reports.map((r) => typeof r.roomId), ["string", "string", "string"]);
    assert.deepEqual(reports.map((r) => r.reporterIp), ["192.0.2.1", "192.0.2.2", "192.0.2.3"], "each report's address, room or REST");
    assert.deepEqual(reports.map((r) => r.reporterDeviceId.split("-").slice(0, 2).join("-")), ["phone-0", "phone-1", "phone-2"]);
  });
});
