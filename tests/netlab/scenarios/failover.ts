import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage } from "../../../rooms/protocol.ts";
import { newUser, say } from "../../helpers/realtime.ts";
import { Redis } from "ioredis";
import { lab, newPair, report, scenario, sleep, until, type Pair } from "./support.ts";

const MESSAGE_EVERY_MS = 200;
const UNMASKED = { queue: "adult", ageConfirmed: true };
/** Once the Sentinels name the new primary, every process serves through it within this (a reconnection is at most 1 s apart). */
const RESUME_WITHIN_MS = 6000;

/** Both sides of a chat send numbered messages until stopped; what each side received is kept in order. */
function chatter(pair: Pair) {
  let running = true;
  const sent = [0, 0];
  const received: number[][] = [[], []];
  const refusals: string[] = [];
  pair.sides.forEach((side, i) => {
    side.room.onMessage("error", (error: { code: string; message: string }) => refusals.push(`side ${i}: ${error.code} ${error.message}`));
    side.room.onMessage(ChatServerMessage.Message, (message: { content?: string }) => {
      const n = Number(/^n(\d+)$/.exec(message.content ?? "")?.[1]);
      if (!Number.isNaN(n)) received[i]!.push(n);
    });
  });
  const loops = pair.sides.map(async (side, i) => {
    while (running) {
      const n = ++sent[i]!;
      side.room.send(ChatClientMessage.Message, { type: "text", content: `n${n}`, clientMessageId: `n${n}` });
      await sleep(MESSAGE_EVERY_MS);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
    sent,
    received,
    refusals,
  };
}

/** One matchmaking request (a seat in the lobby), as a client makes it: its HTTP status, or 0 when it got none. */
async function matchmake(token: string): Promise<number> {
  const response = await fetch(`${lab.url}/matchmake/joinOrCreate/lobby`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  const body = await response?.text();
  if (response && response.status !== 200 && response.status !== 503) console.log(`unexpected answer ${response.status}: ${body}`);
  return response?.status ?? 0;
}

/** The primary the Sentinels name now. */
async function sentinelPrimary(): Promise<string | undefined> {
  const sentinel = lab.sentinels![0]!;
  const client = new Redis({ host: sentinel.host, port: sentinel.port, password: lab.passwords!.sentinels, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    const [host] = (await client.call("SENTINEL", "get-master-addr-by-name", "pairline")) as string[];
    return host;
  } finally {
    client.disconnect();
  }
}

/** What a client that knows no password is told by one of the lab's Redis servers or Sentinels. */
async function answerWithoutPassword(host: string, port: number): Promise<string> {
  const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    return String(await client.ping());
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

scenario(async () => {
  // Redis and the Sentinels ask for passwords: the processes serve only because they give them.
  for (const { ip, port } of lab.redis) assert.match(await answerWithoutPassword(ip, port), /NOAUTH/, `Redis ${ip} asks for a password`);
  const [firstSentinel] = lab.sentinels!;
  assert.match(await answerWithoutPassword(firstSentinel!.host, firstSentinel!.port), /NOAUTH/, "the Sentinels ask for a password");
  // The 18+ queue relays text as written: the moderated one masks numbered messages that read as slurs ("n16").
  const pairs = [await newPair(UNMASKED), await newPair(UNMASKED)];
  const chats = pairs.map(chatter);
  const prober = await newUser(lab.url);
  assert.equal(await matchmake(prober.token), 200, "matchmaking answers before the failover");
  await sleep(1000);

  const primary = lab.redis[0]!;
  const killedAt = Date.now();
  process.kill(primary.pid, "SIGKILL");

  // While there is no primary, matchmaking answers 200 late or 503 (never hangs, never fails otherwise),
  // and serves again without a restart once the Sentinels promote the replica.
  const answers: Array<{ at: number; ms: number; status: number }> = [];
  const promoted = until(async () => {
    if ((await sentinelPrimary()) === primary.ip) throw new Error("not promoted yet");
  }, 60_000, 100).then(() => Date.now() - killedAt);
  let promotedAt: number | undefined;
  void promoted.then((ms) => (promotedAt = ms), () => undefined);
  while (promotedAt === undefined ? Date.now() - killedAt < 60_000 : Date.now() - killedAt < promotedAt + RESUME_WITHIN_MS) {
    const sentAt = Date.now();
    const status = await matchmake(prober.token);
    answers.push({ at: sentAt - killedAt, ms: Date.now() - sentAt, status });
    assert.ok(status === 200 || status === 503, `matchmaking answered ${status} during the failover`);
    await sleep(100);
  }
  const refused = answers.filter((a) => a.status !== 200);
  const lastBad = [...answers].reverse().find((a) => a.status !== 200 || a.ms > 1000);
  report("failover_sentinels_promoted_ms", await promoted);
  report("failover_matchmaking_refused", `${refused.length} of ${answers.length} requests`);
  report("failover_matchmaking_slowest_ms", Math.max(...answers.map((a) => a.ms)));
  report("failover_matchmaking_normal_after_ms", lastBad ? lastBad.at + lastBad.ms : 0);
  const resumed = answers.filter((a) => a.at > promotedAt! + RESUME_WITHIN_MS - 2000);
  assert.ok(resumed.length > 0 && resumed.every((a) => a.status === 200), `matchmaking serves again (${JSON.stringify(answers)})`);

  // The promoted replica serves everything: a new pair is matched and chats.
  const after = await newPair();
  await say(after.sides[0], "after the failover");

  await sleep(2000);
  for (const chat of chats) await chat.stop();
  await sleep(2000);
  // Nothing is lost in the chats that were live: each side got every message of the other, in order.
  let total = 0;
  for (const [index, chat] of chats.entries()) {
    assert.deepEqual(chat.refusals, [], `chat ${index}: no message refused`);
    for (const side of [0, 1]) {
      const expected = Array.from({ length: chat.sent[1 - side]! }, (_, i) => i + 1);
      assert.deepEqual(chat.received[side], expected, `chat ${index}, side ${side} received every message in order`);
      total += expected.length;
    }
  }
  report("messages_through_failover", total);

  for (const app of lab.apps) assert.doesNotThrow(() => process.kill(app.pid, 0), `${app.name} kept running`);
});
