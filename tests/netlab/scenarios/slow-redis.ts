import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage, LobbyClientMessage, LobbyServerMessage, type LobbyServerPayloads } from "../../../rooms/protocol.ts";
import { enterLobby, newUser, say, takeSeat, whenLeft, type ChatSide, type LobbySession } from "../../helpers/realtime.ts";
import { appOf, lab, report, scenario } from "./support.ts";

const ROUNDS = Number(process.env.SLOW_REDIS_ROUNDS ?? 8);
/** A slow link makes a match take seconds; the test is about it coming, not about how soon. */
const MATCH_WAIT_MS = 30_000;

type Matched = LobbyServerPayloads[typeof LobbyServerMessage.Matched];

interface Round {
  lobbyMs: number;
  matchMs: number;
  joinMs: number;
  firstMessageMs: number;
  skipMs: number;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/**
 * Two users enter the lobby, are matched, take their seats, say hello, and one skips: each step
 * timed. New users each round: two who skipped each other are not matched together again.
 */
async function round(apps: Set<string>): Promise<Round> {
  const users = await Promise.all([newUser(lab.url), newUser(lab.url)]);
  const lobby = await timed(() => Promise.all(users.map(enterLobby)) as Promise<[LobbySession, LobbySession]>);
  const matched = await timed(() =>
    Promise.all(
      lobby.value.map((session) => {
        session.room.send(LobbyClientMessage.Match, {});
        return session.inbox.next<Matched>(LobbyServerMessage.Matched, MATCH_WAIT_MS);
      }),
    ),
  );
  apps.add(appOf(matched.value[0]!.reservation.publicAddress));
  const seated = await timed(
    () => Promise.all(lobby.value.map((session, i) => takeSeat(session, matched.value[i]!))) as Promise<[ChatSide, ChatSide]>,
  );
  const [skipper, partner] = seated.value;
  assert.equal(skipper.partner.id, partner.user.id, "matched with each other");
  const hello = await timed(() => Promise.all([say(skipper, "hello"), partner.inbox.next(ChatServerMessage.Message, 15_000)]));
  assert.equal(hello.value[1].content, "hello", "the partner got the message");
  const skipped = await timed(async () => {
    const told = partner.inbox.next(ChatServerMessage.PartnerLeft, 15_000);
    skipper.room.send(ChatClientMessage.Leave);
    await told;
  });
  await Promise.all([partner.room.leave(), whenLeft(skipper.room)]);
  return { lobbyMs: lobby.ms, matchMs: matched.ms, joinMs: seated.ms, firstMessageMs: hello.ms, skipMs: skipped.ms };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

/** Pairs chat and skip ROUNDS times; the medians of each step. */
async function phase(name: string): Promise<Record<keyof Round, number>> {
  const rounds: Round[] = [];
  const apps = new Set<string>();
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(apps));
  const medians = Object.fromEntries(
    (Object.keys(rounds[0]!) as Array<keyof Round>).map((step) => [step, median(rounds.map((r) => r[step]))]),
  ) as Record<keyof Round, number>;
  report(`${name}_ms`, `lobby ${medians.lobbyMs}, match ${medians.matchMs}, join ${medians.joinMs}, first message ${medians.firstMessageMs}, skip ${medians.skipMs} (medians of ${ROUNDS} rounds; chats on ${[...apps].sort().join(",")})`);
  return medians;
}

function setDelay(on: boolean): void {
  process.kill(lab.redisDelay!.pid, on ? "SIGUSR1" : "SIGUSR2");
}

scenario(async () => {
  await phase("warm_up");
  const direct = await phase("redis_direct");
  setDelay(true);
  const slow = await phase(`redis_delayed_${lab.redisDelay!.ms}ms_each_way`);
  setDelay(false);
  report(
    "redis_delay_added_ms",
    `match +${slow.matchMs - direct.matchMs}, join +${slow.joinMs - direct.joinMs}, lobby +${slow.lobbyMs - direct.lobbyMs}, skip +${slow.skipMs - direct.skipMs}`,
  );
});
