import assert from "node:assert/strict";
import { ChatServerMessage, type SeatReservation } from "../../../rooms/protocol.ts";
import { newAccount, registerGuest, registerUser, request } from "../../helpers/http.ts";
import { requireRedisServer } from "../../helpers/redis.ts";
import { askForMatch, enterLobby, Inbox, newUser, say, takeSeat, type ChatSide, type LobbySession, type TestUser } from "../../helpers/realtime.ts";
import { eventually } from "../../helpers/eventually.ts";
import { download, png, uploadFile } from "../../helpers/uploads.ts";
import { startCluster, type Cluster, type Member } from "./cluster.ts";

const ADMIN_PASSWORD = "admin-password-for-cluster-tests";
const adminAuth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}` };

/** A guest who talks to the service through one process. */
const userOf = (member: Member): Promise<TestUser> => newUser(member.baseUrl);

/** Opens a lobby room for the user on a process the predicate accepts (a lobby is opened on the process the user talks to). */
async function lobbyWhere(user: TestUser, accept: (address: string) => boolean): Promise<LobbySession & { address: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { data } = await user.client.http.post("/matchmake/create/lobby", { body: {} });
    const reservation = data as unknown as SeatReservation;
    if (accept(reservation.publicAddress!)) {
      const room = await user.client.consumeSeatReservation(reservation as any);
      return { user, room, inbox: new Inbox(room), address: reservation.publicAddress! };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("no lobby could be opened on another process");
}

describe("cluster: three processes and one Redis are one service", function () {
  requireRedisServer(this.ctx);
  this.timeout(60_000);
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(3, { ADMIN_PASSWORD: ADMIN_PASSWORD });
  });
  after(async () => {
    await cluster?.stop();
  });

  it("matches users whose lobbies are on different processes, and they chat through their chat room's process", async () => {
    const [a, b] = await Promise.all([userOf(cluster.members[0]!), userOf(cluster.members[1]!)]);
    const lobbyA = await lobbyWhere(a, () => true);
    const lobbyB = await lobbyWhere(b, (address) => address !== lobbyA.address);
    const [matchedA, matchedB] = await Promise.all([askForMatch(lobbyA), askForMatch(lobbyB)]);
    assert.equal(matchedA.roomId, matchedB.roomId);
    assert.equal(matchedA.matchedUser.id, b.id);
    assert.equal(matchedA.reservation.publicAddress, matchedB.reservation.publicAddress, "both are sent to the process that owns the chat");
    const [sideA, sideB] = await Promise.all([takeSeat(lobbyA, matchedA), takeSeat(lobbyB, matchedB)]);
    const sent = await say(sideA, "hello across processes");
    const received = await sideB.inbox.next(ChatServerMessage.Message);
    assert.equal(received.id, sent.id);
    assert.equal(received.content, "hello across processes");
    await say(sideB, "hi back");
    assert.equal((await sideA.inbox.next(ChatServerMessage.Message)).content, "hi back");
    await Promise.all([sideA.room.leave(), sideB.room.leave()]);
  });

  it("answers GET /api/socket/stats from Colyseus's process list read at most once a second, not once per request", async () => {
    const member = cluster.members[0]!;
    const connection = cluster.redis.client();
    const monitor = await connection.monitor();
    let listReads = 0;
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() === "hgetall" && args[1] === "roomcount") listReads++;
    });
    try {
      const requests = 30;
      const started = Date.now();
      for (let i = 0; i < requests; i++) {
        const { status, body } = await request(member.baseUrl, "GET", "/api/socket/stats");
        assert.equal(status, 200);
        assert.equal(body.data.service.processes, cluster.members.length);
      }
      const seconds = Math.ceil((Date.now() - started) / 1000);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the last commands reach the monitor
      assert.ok(listReads <= seconds + 1, `${listReads} reads of the process list for ${requests} requests in ${seconds} s`);
    } finally {
      monitor.disconnect();
      connection.disconnect();
    }
  });

  it("counts the same users online on every process", async () => {
    const users = await Promise.all(cluster.members.map((member) => userOf(member)));
    const sessions = await Promise.all(users.map((user) => user.client.joinOrCreate("lobby")));
    const token = users[0]!.token;
    const onlineOn = async (member: Member) => (await request(member.baseUrl, "GET", "/api/users/stats", { token })).body.data.online;
    await eventually(async () => {
      const counts = await Promise.all(cluster.members.map(onlineOn));
      assert.deepEqual(counts, cluster.members.map(() => users.length));
    }, 5000);
    const listed = (await request(cluster.members[2]!.baseUrl, "GET", "/api/users/online", { token })).body.data.users;
    assert.deepEqual(listed.map((u: { id: string }) => u.id).sort(), users.map((u) => u.id).sort());
    await Promise.all(sessions.map((room) => room.leave()));
    await eventually(async () => {
      assert.deepEqual(await Promise.all(cluster.members.map(onlineOn)), [0, 0, 0]);
    }, 5000);
  });

  it("applies a rate limit consumed on one process on the others", async () => {
    const from = { "x-forwarded-for": "203.0.113.77" };
    const upload = (member: Member) => request(member.baseUrl, "POST", "/api/uploads", { headers: from, body: {} });
    for (const member of cluster.members) assert.equal((await upload(member)).status, 401, "counted, then refused for want of a token");
    const refused = await upload(cluster.members[0]!);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, "RATE_LIMITED");
    assert.equal((await request(cluster.members[1]!.baseUrl, "POST", "/api/uploads", { body: {} })).status, 401, "other clients are not limited");
  });

  it("serves an upload posted to one process from another", async () => {
    const [a, b] = await Promise.all([userOf(cluster.members[0]!), userOf(cluster.members[1]!)]);
    const sessions = await Promise.all([a, b].map((user) => enterLobby(user)));
    const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
    const [sideA, sideB]: ChatSide[] = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
    const image = png(24, 24);
    const posted = await uploadFile(cluster.members[0]!.baseUrl, a.token, { roomId: matched[0]!.roomId, bytes: image, name: "photo.png", type: "image/png" });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const fileId = posted.body.data.fileId ?? posted.body.data.id;
    for (const member of cluster.members.slice(1)) {
      const fetched = await download(member.baseUrl, b.token, fileId);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.bytes, image);
    }
    await Promise.all([sideA!.room.leave(), sideB!.room.leave()]);
    await eventually(async () => {
      assert.equal((await download(cluster.members[2]!.baseUrl, b.token, fileId)).status, 404, "the upload ends with its chat");
    }, 5000);
  });

  it("shares one SQLite file: concurrent registrations through every process all land, and each can log in anywhere", async () => {
    const token = (await registerGuest(cluster.members[0]!.baseUrl)).token;
    const registered = async () => (await request(cluster.members[0]!.baseUrl, "GET", "/api/users/stats", { token })).body.data.registered;
    const before = await registered();
    const accounts = await Promise.all(
      Array.from({ length: 45 }, (_, i) => registerUser(cluster.members[i % 3]!.baseUrl, newAccount(`sq${i}`))),
    );
    assert.equal(new Set(accounts.map((account) => account.id)).size, 45);
    assert.equal(await registered(), before + 45);
    const logins = await Promise.all(
      accounts.map((account, i) =>
        request(cluster.members[(i + 1) % 3]!.baseUrl, "POST", "/api/auth/login", { body: { email: account.email, password: account.password } }),
      ),
    );
    assert.deepEqual(logins.map((res) => res.status), accounts.map(() => 200));
  });

  it("applies a ban made through one process at once on the process that hosts the banned user's chat, and on every other", async () => {
    const [a, b] = await Promise.all([userOf(cluster.members[0]!), userOf(cluster.members[1]!)]);
    const sessions = await Promise.all([a, b].map((user) => enterLobby(user)));
    const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
    const [sideA, sideB] = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
    const host = cluster.hostOf(matched[0]!.reservation);
    const elsewhere = cluster.members.filter((member) => member !== host);
    const banned = await request(elsewhere[0]!.baseUrl, "POST", `/api/admin/users/${a.id}/ban`, {
      body: { reason: "abuse", hours: 1 },
      headers: adminAuth,
    });
    assert.equal(banned.status, 200);
    assert.equal((await sideA!.inbox.next(ChatServerMessage.Error)).code, "BANNED");
    assert.equal((await sideB!.inbox.next(ChatServerMessage.PartnerLeft)).userId, a.id);
    for (const member of cluster.members) {
      const refused = await request(member.baseUrl, "GET", "/api/auth/me", { token: a.token });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, "BANNED");
    }
  });

  it("ends at once the chat of a user banned through another process while dropped, and refuses their reconnection", async () => {
    const [a, b] = await Promise.all([userOf(cluster.members[0]!), userOf(cluster.members[1]!)]);
    const sessions = await Promise.all([a, b].map((user) => enterLobby(user)));
    const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
    const [sideA, sideB] = await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)));
    const token = sideA!.room.reconnectionToken;
    await sideA!.room.leave(false);
    await sideB!.inbox.next(ChatServerMessage.PartnerDisconnected);
    const elsewhere = cluster.members.find((member) => member !== cluster.hostOf(matched[0]!.reservation))!;
    const banned = await request(elsewhere.baseUrl, "POST", `/api/admin/users/${a.id}/ban`, { body: { reason: "abuse", hours: 1 }, headers: adminAuth });
    assert.equal(banned.status, 200);
    assert.deepEqual(await sideB!.inbox.next(ChatServerMessage.PartnerLeft, 10_000), { userId: a.id, reason: "left" }, "before the grace runs out");
    await assert.rejects(a.client.reconnect(token));
  });
});
