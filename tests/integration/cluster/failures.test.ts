import assert from "node:assert/strict";
import { Client, MatchMakeError } from "@colyseus/sdk";
import { ChatServerMessage, LobbyClientMessage, LobbyServerMessage } from "../../../rooms/protocol.ts";
import { request } from "../../helpers/http.ts";
import { requireRedisServer } from "../../helpers/redis.ts";
import {
  askForMatch,
  enterLobby,
  newUser,
  say,
  takeSeat,
  whenLeft,
  type ChatSide,
  type LobbySession,
  type TestUser,
} from "../../helpers/realtime.ts";
import { eventually } from "../../helpers/eventually.ts";
import { startCluster, type Cluster, type Member } from "./cluster.ts";

/** Two users, registered through two processes, matched, and seated in their chat (on whichever process hosts it). */
async function pairThrough(cluster: Cluster, a: Member, b: Member): Promise<{ sides: [ChatSide, ChatSide]; host: Member }> {
  const sessions = await Promise.all([newUser(a.baseUrl).then(enterLobby), newUser(b.baseUrl).then(enterLobby)]);
  const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
  const sides = (await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)))) as [ChatSide, ChatSide];
  return { sides, host: cluster.hostOf(matched[0]!.reservation) };
}

/**
 * Chats until they are hosted by at least two processes. Colyseus places a room on the
 * process with the fewest rooms as each process last published its count (at most once
 * a second), so each chat waits until its host's count shows it.
 */
async function spreadPairs(cluster: Cluster, pairs: Array<{ sides: [ChatSide, ChatSide]; host: Member }>): Promise<void> {
  const redis = cluster.redis.client();
  try {
    while (new Set(pairs.map((pair) => pair.host)).size < 2) {
      assert.ok(pairs.length < 12, "chats were spread over the processes");
      const [a, b] = [cluster.members[pairs.length % 3]!, cluster.members[(pairs.length + 1) % 3]!];
      const pair = await pairThrough(cluster, a, b);
      pairs.push(pair);
      const hosted = pairs.filter((other) => other.host === pair.host).length;
      await eventually(async () => {
        const published = Object.values(await redis.hgetall("roomcount")).map((stat) => Number(stat.split(",")[0]));
        assert.ok(published.some((rooms) => rooms >= hosted), "the host published its room count");
      }, 3000);
    }
  } finally {
    redis.disconnect();
  }
}

/** The same user, now talking to the service through another process. */
function through(member: Member, user: TestUser): TestUser {
  const client = new Client(member.baseUrl);
  client.auth.token = user.token;
  return { ...user, client };
}

/** Joins the lobby as a client should: a 503 (the service is getting over a failure) is tried again. */
async function enterLobbyPatiently(user: TestUser): Promise<LobbySession> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await enterLobby(user);
    } catch (error) {
      if (!(error instanceof MatchMakeError) || error.code !== 503 || attempt === 3) throw error;
    }
  }
}

/** Both users go back to the lobby (through `member`) and ask for a partner; resolves once both are matched. */
async function requeue(member: Member, users: TestUser[]) {
  const sessions = await Promise.all(users.map((user) => enterLobbyPatiently(through(member, user))));
  return Promise.all(sessions.map((session) => askForMatch(session, undefined)));
}

/** Each side says `count` things; every one arrives at the partner, in order. */
async function converse([a, b]: [ChatSide, ChatSide], count: number, tag: string): Promise<void> {
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const sent = [];
    for (let i = 0; i < count; i++) sent.push((await say(from, `${tag} ${i}`, `${tag}-${i}`)).id);
    const received = [];
    for (let i = 0; i < count; i++) received.push((await to.inbox.next(ChatServerMessage.Message)).id);
    assert.deepEqual(received, sent);
  }
}

function alive(member: Member): boolean {
  return member.child.exitCode === null && member.child.signalCode === null;
}

/** Asks for a lobby seat over HTTP as the SDK does, timing the answer. */
async function timedMatchmake(member: Member, token: string) {
  const started = Date.now();
  const res = await request(member.baseUrl, "POST", "/matchmake/joinOrCreate/lobby", { token, body: {} });
  return { ...res, elapsedMs: Date.now() - started };
}

describe("cluster: failures and restarts", function () {
  requireRedisServer(this.ctx);
  this.timeout(90_000);
  let cluster: Cluster;
  let token: string;
  before(async () => {
    cluster = await startCluster(3);
    token = (await newUser(cluster.members[0]!.baseUrl)).token;
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const outage of ["restarted", "frozen"] as const) {
    it(`answers matchmaking with a 503 within 5 s while Redis is ${outage}, and serves again once it is back`, async () => {
      const [a, b, c] = cluster.members as [Member, Member, Member];
      const waiting = await newUser(a.baseUrl).then(enterLobby);
      waiting.room.send(LobbyClientMessage.Match, {});
      await waiting.inbox.next(LobbyServerMessage.Queued);
      if (outage === "restarted") await cluster.redis.stop();
      else await cluster.redis.freeze(8);
      try {
        const answer = await timedMatchmake(b, token);
        assert.equal(answer.status, 503, JSON.stringify(answer.body));
        assert.equal(answer.body.code, "SERVICE_UNAVAILABLE");
        assert.ok(answer.elapsedMs < 5000, `answered after ${answer.elapsedMs} ms`);
        assert.equal((await request(c.baseUrl, "GET", "/ready")).status, 503);
      } finally {
        if (outage === "restarted") await cluster.redis.restart();
      }
      await eventually(async () => {
        for (const member of cluster.members) assert.equal((await request(member.baseUrl, "GET", "/ready")).status, 200);
      }, 15_000);
      // whoever waited through the outage is still waiting, even if Redis came back empty
      const newcomer = await newUser(c.baseUrl).then(enterLobby);
      const [matchedWaiting, matchedNewcomer] = await Promise.all([
        waiting.inbox.next(LobbyServerMessage.Matched, 10_000),
        askForMatch(newcomer),
      ]);
      assert.equal(matchedWaiting.matchedUser.id, newcomer.user.id);
      assert.equal(matchedNewcomer.matchedUser.id, waiting.user.id);
      await Promise.all([waiting.room.leave(), newcomer.room.leave()]);
      const { sides } = await pairThrough(cluster, a, c);
      await converse(sides, 2, `after-${outage}`);
      assert.ok(cluster.members.every(alive), "every process stayed up");
      await Promise.all(sides.map((side) => side.room.leave()));
    });
  }

  it("keeps the chats of the other processes whole when one is killed, and re-matches the users of the dead one within 5 s", async () => {
    const lobbyHost = cluster.hostOf((await timedMatchmake(cluster.members[0]!, token)).body);
    const pairs: Array<{ sides: [ChatSide, ChatSide]; host: Member }> = [];
    await spreadPairs(cluster, pairs);
    // the worst case, when it can be had: the process that dies also hosts the lobby everyone joins
    const victim = pairs.some((pair) => pair.host === lobbyHost) ? lobbyHost : pairs[0]!.host;
    const survivors = pairs.filter((pair) => pair.host !== victim);
    const orphans = pairs.filter((pair) => pair.host === victim);
    const helper = cluster.members.find((member) => member !== victim)!;

    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    await victim.exited;
    // Out of the cluster at once: were an assertion below to fail, the next test must not pick the dead process.
    cluster.members.splice(cluster.members.indexOf(victim), 1);
    const rematched = orphans.map((pair) => requeue(helper, pair.sides.map((side) => side.user)));
    await Promise.all(survivors.map((pair, i) => converse(pair.sides, 5, `survivor-${i}`)));
    for (const matched of await Promise.all(rematched)) {
      assert.equal(matched.length, 2);
    }
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 5000, `re-matched ${elapsed} ms after the kill`);
    // The next test joins at once: not while the dead process's lobby is still listed (a join sent there times out).
    const redis = cluster.redis.client();
    await eventually(async () => assert.equal(await redis.hlen("roomcount"), cluster.members.length), 10_000).finally(() => redis.disconnect());
    await Promise.all(survivors.flatMap((pair) => pair.sides.map((side) => side.room.leave())));
  });

  it("drains a process on SIGTERM: its users are told and matched again elsewhere, the others keep chatting", async () => {
    const [a, b] = cluster.members as [Member, Member];
    const pairs = [await pairThrough(cluster, a, b)];
    await cluster.add();
    await spreadPairs(cluster, pairs);
    pairs.reverse();
    const draining = pairs[0]!.host;
    const drained = pairs.filter((pair) => pair.host === draining);
    const others = pairs.filter((pair) => pair.host !== draining);
    const helper = cluster.members.find((member) => member !== draining)!;
    const notices = drained.flatMap((pair) => pair.sides.map((side) => side.inbox.next(ChatServerMessage.ServerShutdown, 10_000)));
    const closes = drained.flatMap((pair) => pair.sides.map((side) => whenLeft(side.room)));

    const signalledAt = Date.now();
    draining.child.kill("SIGTERM");
    for (const notice of await Promise.all(notices)) assert.match(notice.message, /restarting/);
    assert.deepEqual(new Set(await Promise.all(closes)), new Set([4001]));
    await Promise.all(others.map((pair, i) => converse(pair.sides, 3, `other-${i}`)));
    const rematched = await Promise.all(drained.map((pair) => requeue(helper, pair.sides.map((side) => side.user))));
    for (const matched of rematched) assert.ok(matched.every((m) => m.reservation.publicAddress !== draining.address));
    assert.equal(await draining.exited, 0);
    // Within PM2's kill_timeout (25 s in ecosystem.config.js), so PM2 never kills it mid-drain.
    assert.ok(Date.now() - signalledAt < 25_000, `stopped after ${Date.now() - signalledAt} ms`);
    assert.match(draining.output(), /Pairline stopped/);
    await Promise.all(others.flatMap((pair) => pair.sides.map((side) => side.room.leave())));
  });
});

describe("a process whose Redis is gone", function () {
  requireRedisServer(this.ctx);
  this.timeout(30_000);

  it("still stops on SIGTERM, disconnecting its clients once SHUTDOWN_TIMEOUT_MS has passed", async function () {
    this.timeout(60_000);
    const cluster = await startCluster(1, { SHUTDOWN_TIMEOUT_MS: "2000" });
    try {
      const [member] = cluster.members as [Member];
      const session = await newUser(member.baseUrl).then(enterLobby);
      const left = whenLeft(session.room);
      await cluster.redis.stop();
      const signalledAt = Date.now();
      member.child.kill("SIGTERM");
      assert.equal(await member.exited, 0);
      assert.equal(await left, 4001);
      // Within PM2's kill_timeout (25 s in ecosystem.config.js), so the process is never killed mid-drain.
      assert.ok(Date.now() - signalledAt < 25_000, `stopped after ${Date.now() - signalledAt} ms`);
    } finally {
      await cluster.stop();
    }
  });
});
