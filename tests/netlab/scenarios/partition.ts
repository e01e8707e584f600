import assert from "node:assert/strict";
import { request } from "../../helpers/http.ts";
import { LobbyClientMessage, LobbyServerMessage } from "../../../rooms/protocol.ts";
import { enterLobby, newUser, say, whenLeft, type LobbySession } from "../../helpers/realtime.ts";
import { appOfConnection, lab, newPair, report, scenario, seat, setLink, sleep, until, type Pair } from "./support.ts";

const CUT = "app1";
const PARTITION_MS = Number(process.env.PARTITION_MS ?? 20_000);
/**
 * Newcomers arriving as the host is cut off, and a few seconds later. Until the cut host's
 * reports have lapsed (2 s, noticed within a second more) its lobby is still offered, and a
 * join sent there is refused once the matchmaking timeout (3 s) is over: the first newcomer
 * retries. From then on a join goes elsewhere at the first try, while before a join went on
 * being sent to the cut host until a failed one had made Colyseus check and drop it.
 */
const LATE_NEWCOMER_AFTER_MS = 4000;
const NEWCOMER_IN_LOBBY_MS = Number(process.env.NEWCOMER_IN_LOBBY_MS ?? 8000);
const LATE_NEWCOMER_IN_LOBBY_MS = Number(process.env.LATE_NEWCOMER_IN_LOBBY_MS ?? 2500);

/** Chats until at least one is hosted by the app that will be cut off and one by another. */
async function pairsOnEveryHost(): Promise<Pair[]> {
  const pairs: Pair[] = [];
  while (!(pairs.some((p) => p.app === CUT) && pairs.some((p) => p.app !== CUT))) {
    assert.ok(pairs.length < 15, `chats were spread over the hosts (got ${pairs.map((p) => p.app).join(",")})`);
    pairs.push(await newPair());
    await sleep(1100); // each process publishes its room count at most once a second
  }
  return pairs;
}

/** A user whose lobby is on `app`, asking for a match and queued (nobody else waits). */
async function waitingOn(app: string): Promise<LobbySession> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const session = await newUser(lab.url).then(enterLobby);
    if (appOfConnection(session.room) !== app) {
      await session.room.leave();
      continue;
    }
    session.room.reconnection.enabled = false; // its drop is what the test waits for, as for the users in chats
    session.room.send(LobbyClientMessage.Match, {});
    await session.inbox.next(LobbyServerMessage.Queued);
    return session;
  }
  throw new Error(`no lobby was placed on ${app} in 20 tries`);
}

async function chatStats(token: string) {
  const { body } = await request(lab.url, "GET", "/api/users/stats", { token });
  return body.data as { activeChats: number; inChat: number; waiting: number };
}

scenario(async () => {
  const pairs = await pairsOnEveryHost();
  const cut = pairs.filter((p) => p.app === CUT);
  const kept = pairs.filter((p) => p.app !== CUT);
  report("chats", `${pairs.length} (${cut.length} on ${CUT})`);
  // Someone waits for a partner in a lobby on the host that will be cut off.
  const waiting = await waitingOn(CUT);
  const ghost = waiting.user.id;

  const [newcomer, lateNewcomer] = await Promise.all([newUser(lab.url), newUser(lab.url)]);

  const cutSides = cut.flatMap((p) => p.sides);
  const dropped = [...cutSides, waiting].map((side) => whenLeft(side.room).then(() => Date.now()));
  const cutAt = Date.now();
  await setLink(CUT, false);
  // Newcomers arrive at that moment and a little later, and retry as a client does when refused.
  const newcomerIn = until(() => enterLobby(newcomer), 30_000).then(() => Date.now() - cutAt);
  const lateNewcomerIn = sleep(LATE_NEWCOMER_AFTER_MS).then(async () => {
    const arrived = Date.now();
    await until(() => enterLobby(lateNewcomer), 30_000);
    return Date.now() - arrived;
  });

  // Users of the cut host see their chat end; users chatting elsewhere lose nothing meanwhile.
  const keptTalk = (async () => {
    for (let round = 0; Date.now() - cutAt < PARTITION_MS - 2000; round++) {
      for (const pair of kept) await say(pair.sides[round % 2]!, `still here ${round}`);
      await sleep(1000);
    }
  })();
  const droppedAt = await Promise.all(dropped);
  report("drop_seen_ms", Math.max(...droppedAt) - cutAt);

  const [newcomerMs, lateNewcomerMs] = await Promise.all([newcomerIn, lateNewcomerIn]);
  report("newcomer_lobby_join_ms", newcomerMs);
  report("late_newcomer_lobby_join_ms", `${lateNewcomerMs} (arrived ${LATE_NEWCOMER_AFTER_MS} ms after the cut)`);
  assert.ok(newcomerMs <= NEWCOMER_IN_LOBBY_MS, `a newcomer arriving at the cut was in a lobby after ${newcomerMs} ms (bound ${NEWCOMER_IN_LOBBY_MS} ms)`);
  assert.ok(lateNewcomerMs <= LATE_NEWCOMER_IN_LOBBY_MS, `a newcomer arriving later was in a lobby after ${lateNewcomerMs} ms (bound ${LATE_NEWCOMER_IN_LOBBY_MS} ms)`);

  // Everyone who was cut off finds a new partner, on the hosts that remain, and nobody the one left waiting there.
  const rematched = await Promise.all(
    cutSides.map(async (side) => {
      const sessions = (await Promise.all([
        until(() => enterLobby({ ...side.user }), 30_000).then((r) => r.value),
        newUser(lab.url).then((user) => until(() => enterLobby(user), 30_000)).then((r) => r.value),
      ])) as [LobbySession, LobbySession];
      return seat(sessions, {}, ghost);
    }),
  );
  report("rematched_ms", Date.now() - cutAt);
  // The queue forgets the user whose lobby is cut off (the lease its process can no longer renew).
  await until(async () => assert.equal((await chatStats(kept[0]!.sides[0].user.token)).waiting, 0, "nobody waits"), 30_000);
  report("cut_waiting_user_left_queue_ms", Date.now() - cutAt);
  for (const pair of rematched) assert.notEqual(pair.app, CUT, "no chat is placed on the host that is cut off");
  for (const pair of rematched) await say(pair.sides[0], "hello again");
  await keptTalk;

  await sleep(Math.max(0, PARTITION_MS - (Date.now() - cutAt)));
  await setLink(CUT, true);
  const healedAt = Date.now();

  // Back on the network, the cut-off process lists nothing that is gone: chats counted are the live ones.
  const live = kept.length + rematched.length;
  const token = kept[0]!.sides[0].user.token;
  const settled = await until(async () => {
    const stats = await chatStats(token);
    assert.equal(stats.activeChats, live, `active chats (${JSON.stringify(stats)})`);
    assert.equal(stats.inChat, live * 2, "people in chats");
    assert.equal(stats.waiting, 0, "nobody waits: the user left waiting on the cut-off host is not queued again");
  }, 20_000);
  report("listings_clean_after_heal_ms", Date.now() - healedAt);
  void settled;

  // It takes chats again: new pairs reach it, and chat there.
  const { value: onCut } = await until(async () => {
    const pair = await newPair();
    if (pair.app !== CUT) throw new Error(`placed on ${pair.app}`);
    return pair;
  }, 30_000, 1100);
  await say(onCut.sides[0], "back on the network");
  report("rejoined_pool_ms", Date.now() - healedAt);
  assert.equal((await chatStats(token)).waiting, 0, "still nobody waits: the cut-off process did not queue its lost user again");
});
