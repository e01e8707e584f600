import { CloseCode, ErrorCode, matchMaker, Room, ServerError, type RoomException, type RoomMethodName } from "@colyseus/core";
import { listenAsLobby, notifyLobby, type LobbyNotice } from "./lobby-channel.ts";
import type { QueueEntry } from "../src/matchmaking/index.ts";
import { PresenceEpoch } from "./presence-epoch.ts";
import type { RoomCreateOptions, RoomDeps } from "./deps.ts";
import { createInbound, sendRoomError, type RoomClient } from "./inbound.ts";
import {
  LobbyClientMessage,
  LobbyServerMessage,
  MatchQueue,
  RoomErrorCode,
  lobbyClientSchemas,
  type LobbyClientPayload,
  type LobbyServerPayloads,
} from "./protocol.ts";
import { initConnection, reportRoomException } from "./room-support.ts";

/** Lobby rooms fill up to this many users; `joinOrCreate("lobby")` then opens another, all sharing one queue. */
const LOBBY_CAPACITY = 1000;
/** How often a lobby checks that the presence still holds the queue (it does, unless Redis restarted empty). */
const PRESENCE_CHECK_INTERVAL_MS = 3000;

/**
 * Where users wait for a partner. The queue is shared, so a user here may be paired
 * with one waiting in any other lobby, in any process. A dropped connection keeps its
 * place through the reconnection grace: the entry waits, unmatched, until the user is
 * back (a match made just before the drop is delivered on their return).
 */
export class LobbyRoom extends Room<{ client: RoomClient }> {
  override maxClients = LOBBY_CAPACITY;

  #deps!: RoomDeps;
  /** Sessions of this room that are in the queue, with their entries (to put back if the presence lost them). */
  readonly #waiting = new Map<string, QueueEntry>();
  /** Sessions whose connection dropped and may come back, with what they missed meanwhile. */
  readonly #away = new Map<string, LobbyNotice[]>();
  #epoch!: PresenceEpoch;
  #checkingEpoch = false;
  #stopListening: () => void = () => undefined;

  readonly #inbound = createInbound(lobbyClientSchemas, {
    [LobbyClientMessage.Match]: (client, payload) => this.#enqueue(client, payload ?? {}),
    [LobbyClientMessage.Cancel]: (client) => this.#dequeue(client),
  });

  override onCreate({ deps }: RoomCreateOptions): void {
    this.#deps = deps;
    this.onMessage("*", this.#inbound);
    this.#stopListening = listenAsLobby(this.presence, this.roomId, (notice) => this.#deliver(notice));
    this.#epoch = new PresenceEpoch(this.presence);
    void this.#requeueIfPresenceWasLost();
    this.clock.setInterval(() => void this.#requeueIfPresenceWasLost(), PRESENCE_CHECK_INTERVAL_MS);
  }

  override async onJoin(client: RoomClient): Promise<void> {
    initConnection(client, this.#deps.budget);
    const { id, username } = client.auth!;
    await this.#replacePreviousSession(client);
    const online = await this.#deps.online.connectedAndCounted(id);
    this.#send(client, LobbyServerMessage.ConnectionEstablished, { userId: id, username, online });
  }

  override async onDrop(client: RoomClient, code?: number): Promise<void> {
    if (code === CloseCode.SERVER_SHUTDOWN) return;
    this.#away.set(client.sessionId, []);
    this.allowReconnection(client, this.#deps.config.limits.reconnectGraceSeconds).catch(() => undefined);
    const entry = this.#waiting.get(client.sessionId);
    if (entry) await this.#deps.matchmaker.pause(entry.userId, client.sessionId);
    await this.#deps.online.disconnected(client.auth!.id);
  }

  override async onReconnect(client: RoomClient): Promise<void> {
    // Reconnections skip authentication: a ban made while the user was away refuses them (and `onLeave` dequeues).
    const ban = await this.#deps.safety.activeBan(client.auth!.id, new Date());
    if (ban) throw new ServerError(ErrorCode.AUTH_FAILED, `Banned until ${ban.until.toISOString()}`);
    const missed = this.#away.get(client.sessionId) ?? [];
    this.#away.delete(client.sessionId);
    await this.#deps.online.connected(client.auth!.id);
    for (const notice of missed) this.#deliver(notice);
    if (!this.#waiting.has(client.sessionId)) return;
    if ((await this.#deps.matchmaker.resume(client.auth!.id, client.sessionId)) === "absent") {
      this.#waiting.delete(client.sessionId);
    }
  }

  override async onLeave(client: RoomClient): Promise<void> {
    const timedOut = this.#away.delete(client.sessionId);
    await this.#dequeue(client);
    await this.#deps.lobbySessions.release(client.auth!.id, client.sessionId);
    if (!timedOut) await this.#deps.online.disconnected(client.auth!.id);
  }

  override async onDispose(): Promise<void> {
    this.#stopListening();
    // A lobby closing while Redis is away leaves its marker: one member of a small set.
    await this.#epoch.forget().catch(() => undefined);
  }

  /** The process is stopping: waiting users are told, so they can join a lobby on another process and queue again. */
  override onBeforeShutdown(): void {
    for (const client of this.clients) {
      this.#send(client, LobbyServerMessage.ServerShutdown, { message: "This server is restarting; join the lobby again to keep looking" });
    }
    super.onBeforeShutdown();
  }

  override onUncaughtException(error: RoomException, method: RoomMethodName): void {
    reportRoomException(this.#deps.logger, this.roomName, error, method);
  }

  /** One lobby connection per user: a newer one (another tab, another device) replaces the older, wherever it is. */
  async #replacePreviousSession(client: RoomClient): Promise<void> {
    const userId = client.auth!.id;
    const previous = await this.#deps.lobbySessions.claim(userId, { lobbyId: this.roomId, sessionId: client.sessionId });
    if (!previous) return;
    await this.#deps.matchmaker.cancel(userId, previous.sessionId);
    notifyLobby(this.presence, previous.lobbyId, { kind: "replaced", sessionId: previous.sessionId });
  }

  async #enqueue(client: RoomClient, request: LobbyClientPayload<typeof LobbyClientMessage.Match> & object): Promise<void> {
    const { id, username, country } = client.auth!;
    const queue = request.queue ?? MatchQueue.Moderated;
    const [partner, blocked, shadowed] = await Promise.all([
      this.#deps.handoff.recentPartner(id),
      this.#deps.safety.blockedEitherWay(id),
      this.#deps.moderation.inShadowPool(id),
    ]);
    const entry: QueueEntry = {
      userId: id,
      username,
      sessionId: client.sessionId,
      lobbyId: this.roomId,
      processId: matchMaker.processId,
      preferences: request.preferences ?? {},
      queue,
      pool: shadowed ? `shadow:${queue}` : queue,
      country: country ?? null,
      shareCountry: request.shareCountry ?? false,
      avoidUserIds: partner ? [partner, ...blocked] : blocked,
      since: Date.now(),
    };
    this.#waiting.set(client.sessionId, entry);
    const { status, waiting } = await this.#deps.matchmaker.enqueue(entry).catch((error: unknown) => {
      this.#waiting.delete(client.sessionId);
      throw error;
    });
    if (status === "busy") {
      this.#waiting.delete(client.sessionId);
      sendRoomError(client, RoomErrorCode.ALREADY_QUEUED);
      return;
    }
    this.#send(client, LobbyServerMessage.Queued, { position: waiting });
  }

  async #dequeue(client: RoomClient): Promise<void> {
    if (!this.#waiting.delete(client.sessionId)) return;
    await this.#deps.matchmaker.cancel(client.auth!.id, client.sessionId);
  }

  #deliver(notice: LobbyNotice): void {
    const missed = this.#away.get(notice.sessionId);
    if (missed) {
      missed.push(notice);
      return;
    }
    const client = this.clients.get(notice.sessionId);
    this.#waiting.delete(notice.sessionId);
    if (!client) return;
    if (notice.kind === "matched") {
      this.#send(client, LobbyServerMessage.Matched, notice.matched);
    } else {
      this.#send(client, LobbyServerMessage.SessionReplaced, {});
      client.leave(CloseCode.CONSENTED);
    }
  }

  /** After Redis came back empty, the users still waiting here go back in the queue. */
  async #requeueIfPresenceWasLost(): Promise<void> {
    if (this.#checkingEpoch) return;
    this.#checkingEpoch = true;
    try {
      if (!(await this.#epoch.lostSinceLastCheck())) return;
      await Promise.all([...this.#waiting.values()].map((entry) => this.#deps.matchmaker.enqueue(entry)));
    } catch (error) {
      this.#deps.logger.warn("Could not put waiting users back in the queue", { error: String(error) });
    } finally {
      this.#checkingEpoch = false;
    }
  }

  #send<K extends keyof LobbyServerPayloads>(client: RoomClient, type: K, payload: LobbyServerPayloads[K]): void {
    client.send(type, payload);
  }
}
