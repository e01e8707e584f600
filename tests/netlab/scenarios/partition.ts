import assert from "node:assert/strict";
import { request } from "../../helpers/http.ts";
import { enterLobby, newUser, say, whenLeft, type LobbySession } from "../../helpers/realtime.ts";
import { lab, newPair, report, scenario, seat, setLink, sleep, until, type Pair } from "./support.ts";

const CUT = "app1";
const PARTITION_MS = Number(process.env.PARTITION_MS ?? 20_000);

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

async function chatStats(token: string) {
  const { body } = await request(lab.url, "GET", "/api/users/stats", { token });
  return body.data as { activeChats: number; inChat: number; waiting: number };
}

scenario(async () => {
  const pairs = await pairsOnEveryHost();
  const cut = pairs.filter((p) => p.app === CUT);
  const kept = pairs.filter((p) => p.app !== CUT);
  report("chats", `${pairs.length} (${cut.length} on ${CUT})`);

  const cutSides = cut.flatMap((p) => p.sides);
  const dropped = cutSides.map((side) => whenLeft(side.room).then(() => Date.now()));
  const cutAt = Date.now();
  await setLink(CUT, false);

  // Users of the cut host see their chat end; users chatting elsewhere lose nothing meanwhile.
  const keptTalk = (async () => {
    for (let round = 0; Date.now() - cutAt < PARTITION_MS - 2000; round++) {
      for (const pair of kept) await say(pair.sides[round % 2]!, `still here ${round}`);
      await sleep(1000);
    }
  })();
  const droppedAt = await Promise.all(dropped);
  report("drop_seen_ms", Math.max(...droppedAt) - cutAt);

  // Everyone who was cut off finds a new partner, on the hosts that remain.
  const rematched = await Promise.all(
    cutSides.map(async (side) => {
      const sessions = (await Promise.all([
        until(() => enterLobby({ ...side.user }), 15_000).then((r) => r.value),
        newUser(lab.url).then(enterLobby),
      ])) as [LobbySession, LobbySession];
      return seat(sessions);
    }),
  );
  report("rematched_ms", Date.now() - cutAt);
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
});
