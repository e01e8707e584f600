import { Client, type Room } from "@colyseus/sdk";
import type WebSocket from "ws";
import {
  ChatClientMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  RoomName,
  type LobbyServerPayloads,
  type SeatReservation,
} from "../../rooms/protocol.ts";
import { registerGuest } from "./http.ts";
import { WsPackageClient } from "./ws-package.ts";

/** Every message a room receives, by type, in arrival order; `next` waits for the first one not yet taken. */
export class Inbox {
  readonly #queues = new Map<string, unknown[]>();
  readonly #waiters = new Map<string, Array<(payload: unknown) => void>>();
  readonly #counts = new Map<string, number>();
  readonly #watchers = new Set<() => void>();

  constructor(room: Room) {
    room.onMessage("*", (type, payload) => this.#push(String(type), payload));
  }

  #push(type: string, payload: unknown): void {
    this.#counts.set(type, this.count(type) + 1);
    for (const watcher of this.#watchers) watcher();
    const waiter = this.#waiters.get(type)?.shift();
    if (waiter) return waiter(payload);
    const queue = this.#queues.get(type) ?? [];
    queue.push(payload);
    this.#queues.set(type, queue);
  }

  next<T = any>(type: string, timeoutMs = 5000): Promise<T> {
    const queued = this.#queues.get(type);
    if (queued && queued.length > 0) return Promise.resolve(queued.shift() as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      const waiters = this.#waiters.get(type) ?? [];
      waiters.push((payload) => {
        clearTimeout(timer);
        resolve(payload as T);
      });
      this.#waiters.set(type, waiters);
    });
  }

  /** How many messages of this type arrived so far, taken or not. */
  count(type: string): number {
    return this.#counts.get(type) ?? 0;
  }

  /** How many messages arrived so far, of every type, by type. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Resolves once `condition` holds, checked after every arrival. */
  until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers.delete(watch);
        reject(new Error(`condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const watch = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#watchers.delete(watch);
        resolve();
      };
      this.#watchers.add(watch);
    });
  }

  /** Messages of this type received and not yet taken. */
  pending(type: string): unknown[] {
    return this.#queues.get(type) ?? [];
  }
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
  client: Client;
}

export async function newUser(baseUrl: string): Promise<TestUser> {
  const guest = await registerGuest(baseUrl);
  const client = new Client(baseUrl);
  client.auth.token = guest.token;
  return { ...guest, client };
}

export interface LobbySession {
  user: TestUser;
  room: Room;
  inbox: Inbox;
}

export async function enterLobby(user: TestUser): Promise<LobbySession> {
  const room = await user.client.joinOrCreate(RoomName.Lobby);
  return { user, room, inbox: new Inbox(room) };
}

type Matched = LobbyServerPayloads[typeof LobbyServerMessage.Matched];

/** Asks for a partner and waits for the match; `request` adds to the match request (e.g. the queue). */
export async function askForMatch(session: LobbySession, preferences?: object, request: object = {}): Promise<Matched> {
  session.room.send(LobbyClientMessage.Match, preferences ? { ...request, preferences } : request);
  return session.inbox.next<Matched>(LobbyServerMessage.Matched);
}

export interface ChatSide {
  user: TestUser;
  room: Room;
  inbox: Inbox;
  partner: { id: string; username: string };
}

/** Takes the seat the lobby reserved, then leaves the lobby, as a client would. */
export async function takeSeat(session: LobbySession, matched: Matched): Promise<ChatSide> {
  const room = await session.user.client.consumeSeatReservation(matched.reservation as any);
  const inbox = new Inbox(room);
  await session.room.leave();
  return { user: session.user, room, inbox, partner: matched.matchedUser };
}

/** Two fresh users, matched and seated in their chat room. */
export async function chattingPair(baseUrl: string): Promise<[ChatSide, ChatSide]> {
  const [a, b] = await Promise.all([newUser(baseUrl).then(enterLobby), newUser(baseUrl).then(enterLobby)]);
  const [ma, mb] = await Promise.all([askForMatch(a), askForMatch(b)]);
  return Promise.all([takeSeat(a, ma), takeSeat(b, mb)]);
}

/** A fresh user in the lobby who sent this match request (a queue, preferences…) and was queued. */
export async function waitingWith(baseUrl: string, request: object): Promise<LobbySession> {
  const session = await newUser(baseUrl).then(enterLobby);
  session.room.send(LobbyClientMessage.Match, request);
  await session.inbox.next(LobbyServerMessage.Queued);
  return session;
}

/** Two fresh users who sent the same match request, matched and seated in their chat room. */
export async function chattingPairWith(baseUrl: string, request: object): Promise<[ChatSide, ChatSide]> {
  const [a, b] = await Promise.all([waitingWith(baseUrl, request), waitingWith(baseUrl, request)]);
  const [ma, mb] = await Promise.all([a.inbox.next<Matched>(LobbyServerMessage.Matched), b.inbox.next<Matched>(LobbyServerMessage.Matched)]);
  return Promise.all([takeSeat(a, ma), takeSeat(b, mb)]);
}

/** Resolves with the close code when the room connection ends. */
export function whenLeft(room: Room): Promise<number> {
  return new Promise((resolve) => room.onLeave((code) => resolve(code)));
}

/** Sends a text message and waits for the server's acknowledgement. */
export async function say(side: ChatSide, content: string, clientMessageId = content.slice(0, 32)) {
  side.room.send(ChatClientMessage.Message, { type: "text", content, clientMessageId });
  for (;;) {
    const ack = await side.inbox.next("chat:ack");
    if (ack.clientMessageId === clientMessageId) return ack;
  }
}

/** A bare WebSocket speaking just enough of the Colyseus protocol to take a seat. */
export async function rawSeat(baseUrl: string, reservation: SeatReservation, token: string): Promise<WebSocket> {
  const url = `${baseUrl.replace(/^http/, "ws")}/${reservation.processId}/${reservation.roomId}` +
    `?sessionId=${reservation.sessionId}&_authToken=${encodeURIComponent(token)}`;
  const ws = new WsPackageClient(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.once("message", (data: Buffer) => {
      if (data[0] !== 10) return reject(new Error(`expected JOIN_ROOM, got ${data[0]}`));
      ws.send(Buffer.from([10]));
      resolve();
    });
  });
  return ws;
}

export function whenClosed(ws: WebSocket): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(1006);
  return new Promise((resolve) => ws.once("close", (code: number) => resolve(code)));
}
