import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { LabDescription } from "../lab.ts";
import { askForMatch, enterLobby, newUser, takeSeat, type ChatSide, type LobbySession } from "../../helpers/realtime.ts";

const run = promisify(execFile);

/** The deployment this scenario runs against (it runs on the lab's client host). */
export const lab: LabDescription = JSON.parse(process.env.NETLAB ?? "{}");

/** A figure the test prints, one line each: `netlab: <name> <value>`. */
export function report(name: string, value: string | number): void {
  console.log(`netlab: ${name} ${value}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Cuts or restores an app host's link at the switch. */
export async function setLink(app: string, up: boolean): Promise<void> {
  await run("ip", ["-n", lab.switchNamespace, "link", "set", app, up ? "up" : "down"]);
}

/** The app host a seat reservation or lobby lives on, from the address it announced (`<proxy>/<app>`). */
export function appOf(publicAddress: string | undefined): string {
  return publicAddress?.split("/")[1] ?? "?";
}

/** The app host a room connection reached, from its URL (`ws://<proxy>/<app>/…`). */
export function appOfConnection(room: { connection: { url?: string } }): string {
  return new URL(room.connection.url ?? "ws://?/?").pathname.split("/")[1] ?? "?";
}

export function primaryRedis(): Redis {
  const redis = lab.redis[0]!;
  return new Redis({ host: redis.ip, port: redis.port, password: lab.passwords?.redis, maxRetriesPerRequest: 1 });
}

export interface Pair {
  sides: [ChatSide, ChatSide];
  app: string;
}

/** Two new users, matched through nginx and seated in their chat, wherever it was placed. */
/** `request` adds to both match requests, e.g. the 18+ queue, whose text is relayed as written. */
export async function newPair(request: object = {}): Promise<Pair> {
  const sessions = await Promise.all([newUser(lab.url).then(enterLobby), newUser(lab.url).then(enterLobby)]);
  return seat(sessions as [LobbySession, LobbySession], request);
}

/** `ghost`: a user nobody may be matched with (one whose lobby is out of reach). */
export async function seat(sessions: [LobbySession, LobbySession], request: object = {}, ghost?: string): Promise<Pair> {
  const matched = await Promise.all(
    sessions.map(async (session) => {
      const match = await askForMatch(session, undefined, request);
      assert.notEqual(match.matchedUser.id, ghost, `${session.user.username} was matched with a user whose lobby is out of reach`);
      return match;
    }),
  );
  const sides = (await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)))) as [ChatSide, ChatSide];
  for (const side of sides) side.room.reconnection.enabled = false;
  return { sides, app: appOf(matched[0]!.reservation.publicAddress) };
}

/** Retries `attempt` until it resolves, at most `timeoutMs`; resolves with how long it took. */
export async function until<T>(attempt: () => Promise<T>, timeoutMs: number, everyMs = 200): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    try {
      return { value: await attempt(), ms: Date.now() - started };
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await sleep(everyMs);
    }
  }
}

/** Runs the scenario; any failure exits with 1 and its stack, so the test shows it. */
export function scenario(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : String(error));
      process.exit(1);
    },
  );
}
