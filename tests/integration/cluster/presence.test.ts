import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { ChatServerMessage, LobbyServerMessage, type SeatReservation } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { requireRedisServer } from "../../helpers/redis.ts";
import { askForMatch, Inbox, newUser, say, takeSeat, type ChatSide, type LobbySession, type TestUser } from "../../helpers/realtime.ts";
import { eventually } from "../../helpers/eventually.ts";
import { startCluster, type Cluster, type Member } from "./cluster.ts";

const LEASE_SECONDS = 4;

/** A seat in a new lobby room on `member`, asked of that process (a lobby is opened by the process asked). */
async function lobbySeatOn(member: Member, user: TestUser): Promise<SeatReservation> {
  const client = new Client(member.baseUrl);
  client.auth.token = user.token;
  const { data } = await client.http.post("/matchmake/create/lobby", { body: {} });
  const reservation = data as unknown as SeatReservation;
  assert.equal(reservation.publicAddress, member.address, "the lobby is opened on the process asked");
  return reservation;
}

async function takeLobbySeat(user: TestUser, reservation: SeatReservation): Promise<LobbySession> {
  const room = await user.client.consumeSeatReservation(reservation as any);
  const inbox = new Inbox(room);
  await inbox.next(LobbyServerMessage.ConnectionEstablished);
  return { user, room, inbox };
}

const lobbyOn = async (member: Member, user: TestUser) => takeLobbySeat(user, await lobbySeatOn(member, user));

/**
 * Asks every process, again and again until stopped, whether each user is listed
 * online, counted in `stats.online`, and stored as online; records every answer that
 * shows one of them offline.
 */
function watchOnline(cluster: Cluster, users: TestUser[], token: string) {
  const misses: string[] = [];
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const member of cluster.members) {
        const [listed, stats] = await Promise.all([
          request(member.baseUrl, "GET", "/api/users/online?limit=100", { token }),
          request(member.baseUrl, "GET", "/api/users/stats", { token }),
        ]);
        const ids = new Set(listed.body.data.users.map((u: { id: string }) => u.id));
        for (const user of users) if (!ids.has(user.id)) misses.push(`${user.username} not listed on ${member.address}`);
        if (stats.body.data.online < users.length) misses.push(`stats.online ${stats.body.data.online} on ${member.address}`);
        for (const user of users) {
          const me = await request(member.baseUrl, "GET", "/api/auth/me", { token: user.token });
          if (!me.body.data.user.isOnline) misses.push(`${user.username} stored offline`);
        }
        samples += 1;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { misses, samples };
    },
  };
}

describe("cluster: who is online, across processes", function () {
  requireRedisServer(this.ctx);
  this.timeout(90_000);
  let cluster: Cluster;
  let viewer: TestUser;
  before(async () => {
    cluster = await startCluster(3, { PRESENCE_LEASE_SECONDS: String(LEASE_SECONDS), RATE_LIMIT_ROOM_MESSAGES: "20" });
    viewer = await newUser(cluster.members[0]!.baseUrl);
  });
  after(async () => {
    await cluster?.stop();
  });

  it("a user is online throughout a chat on another process than their lobby, whichever connection closes first", async () => {
    const [p0, p1] = cluster.members as [Member, Member];
    const [a, b] = await Promise.all([newUser(p0.baseUrl), newUser(p1.baseUrl)]);
    // Their lobbies are on two processes, so at least one of them has their chat on another process.
    const [lobbyA, lobbyB] = [await lobbyOn(p0, a), await lobbyOn(p1, b)];
    const watch = watchOnline(cluster, [a, b], viewer.token);
    const [matchedA, matchedB] = await Promise.all([askForMatch(lobbyA), askForMatch(lobbyB)]);
    // a takes the chat seat and then leaves the lobby; b leaves the lobby first and takes the seat a moment later.
    const [sideA, sideB] = await Promise.all([
      takeSeat(lobbyA, matchedA),
      (async (): Promise<ChatSide> => {
        await lobbyB.room.leave();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const room = await b.client.consumeSeatReservation(matchedB.reservation as any);
        return { user: b, room, inbox: new Inbox(room), partner: matchedB.matchedUser };
      })(),
    ]);
    for (let i = 0; i < 10; i++) {
      await say(sideA, `hello ${i}`);
      assert.equal((await sideB.inbox.next(ChatServerMessage.Message)).content, `hello ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { misses, samples } = await watch.stop();
    assert.ok(samples >= 4, `${samples} samples`);
    assert.deepEqual(misses, [], `offline in ${misses.length} of ${samples} samples`);
    await Promise.all([sideA.room.leave(), sideB.room.leave()]);
    await eventually(async () => {
      const listed = (await request(p1.baseUrl, "GET", "/api/users/online?limit=100", { token: viewer.token })).body.data.users;
      assert.ok(!listed.some((u: { id: string }) => u.id === a.id || u.id === b.id), "both offline after the chat and the grace");
      const me = await request(p0.baseUrl, "GET", "/api/auth/me", { token: a.token });
      assert.equal(me.body.data.user.isOnline, false);
    }, 15_000);
  });

  it("the users of a process that died drop out once its lease runs out", async () => {
    const doomed = cluster.members[2]!;
    const [victim, survivor] = [await newUser(doomed.baseUrl), await newUser(cluster.members[0]!.baseUrl)];
    await lobbyOn(doomed, victim);
    await lobbyOn(cluster.members[0]!, survivor);
    const listed = async () =>
      (await request(cluster.members[0]!.baseUrl, "GET", "/api/users/online?limit=100", { token: viewer.token })).body.data.users.map((u: { id: string }) => u.id);
    assert.ok((await listed()).includes(victim.id));
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    const killedAt = Date.now();
    await eventually(async () => assert.ok(!(await listed()).includes(victim.id), "the dead process's user is gone"), (LEASE_SECONDS + 10) * 1000);
    assert.ok(Date.now() - killedAt >= (LEASE_SECONDS * 1000) / 3, "not before the lease could run out");
    assert.ok((await listed()).includes(survivor.id));
    const stored = await request(cluster.members[1]!.baseUrl, "GET", "/api/auth/me", { token: victim.token });
    assert.equal(stored.body.data.user.isOnline, false);
    cluster.members.splice(cluster.members.indexOf(doomed), 1);
  });

  it("a user who used up the message budget on one process is still limited on another", async () => {
    const [p0, p1] = cluster.members as [Member, Member];
    const flooder = await newUser(p0.baseUrl);
    const flood = async (session: LobbySession, count: number) => {
      const before = session.inbox.count("error");
      for (let i = 0; i < count; i++) session.room.send("not:a-type", {});
      await session.inbox.until(() => session.inbox.count("error") - before === count, 10_000);
      const codes = session.inbox.pending("error").splice(0).map((e) => (e as { code: string }).code);
      return codes.filter((code) => code === "UNKNOWN_TYPE").length; // got past the budget
    };
    const seats = [await lobbySeatOn(p0, flooder), await lobbySeatOn(p1, flooder)];
    const first = await takeLobbySeat(flooder, seats[0]!);
    const started = Date.now();
    assert.ok((await flood(first, 30)) <= 20);
    const second = await takeLobbySeat(flooder, seats[1]!);
    const passed = await flood(second, 10);
    const refilled = Math.ceil((Date.now() - started) / 3000); // 20 a minute
    assert.ok(passed <= refilled + 1, `${passed} of 10 got past the budget on the other process (${refilled} came back meanwhile)`);
    await second.room.leave();
  });

  it("a lobby window on another process replaces the user's previous one, which is told and closed, again and again", async () => {
    const [p0, p1] = cluster.members as [Member, Member];
    const user = await newUser(p0.baseUrl);
    const closed = (session: LobbySession) => new Promise<number>((resolve) => session.room.onLeave((code) => resolve(code)));
    const first = await lobbyOn(p0, user);
    const firstClosed = closed(first);
    const second = await lobbyOn(p1, user);
    await first.inbox.next(LobbyServerMessage.SessionReplaced);
    assert.equal(await firstClosed, 4000);
    const secondClosed = closed(second);
    const third = await lobbyOn(p0, user);
    await second.inbox.next(LobbyServerMessage.SessionReplaced);
    assert.equal(await secondClosed, 4000);
    await third.room.leave();
  });
});
