import {
  CloseCode,
  ErrorCode,
  Room,
  SchemaSerializer,
  ServerError,
  type RoomException,
  type RoomMethodName,
  type Serializer,
} from "@colyseus/core";
import { ReconnectionOutcome, metrics } from "../src/metrics/index.ts";
import { chatMembersMetadata } from "./chat-members.ts";
import { clientAddress } from "./client-address.ts";
import { AppError, AppErrorCode } from "../src/errors/index.ts";
import type { ReportOutcome } from "../src/users/moderation.ts";
import { asEvidence, signedContent } from "../src/users/report-schemas.ts";
import { checkAttachment } from "./attachments.ts";
import { ChatSerializer } from "./chat-serializer.ts";
import type { RoomCreateOptions, RoomDeps } from "./deps.ts";
import { createInbound, sendRoomError, type Handlers, type RoomClient } from "./inbound.ts";
import {
  CallStatus,
  ChatClientMessage,
  ChatServerMessage,
  MatchQueue,
  MessageKind,
  PartnerLeftReason,
  RoomErrorCode,
  chatClientSchemas,
  type ChatClientPayload,
  type ChatSchemas,
  type ChatServerPayloads,
} from "./protocol.ts";
import { Relay, WhenAway } from "./relay.ts";
import { initConnection, reportRoomException } from "./room-support.ts";
import { maskProfanity } from "./text-mask.ts";
import { ChatState, Participant } from "./state.ts";

const OPEN = 1; // WebSocket.OPEN

const isOpen = (client: RoomClient): boolean => (client.ref as unknown as { readyState?: number }).readyState === OPEN;

/**
 * One conversation between two matched strangers. Created only by the lobby (the pair
 * comes from presence, never from client options); relays what one says to the other,
 * holds messages for a partner who dropped, and ends for both when either leaves.
 */
export class ChatRoom extends Room<{ state: ChatState; client: RoomClient }> {
  override maxClients = 2;
  /** Patches go out on change (`#stateChanged`); this slow tick only keeps the room's clock going. */
  override patchRate = 1000;

  #deps!: RoomDeps;
  #ended = false;
  /** Participants who lost their connection and may still come back. */
  readonly #dropped = new Set<string>();
  /** Participants whose reconnection was refused (banned meanwhile). */
  readonly #refused = new Set<string>();
  #relay!: Relay;
  /** The two participants' user ids, fixed when the room is made. */
  #pair!: readonly [string, string];
  #patchPending = false;
  /** Proves, to a later report, that these two had this chat (`chat:meeting`). */
  #meeting!: { token: string; expiresAt: number };
  /** A chat of the moderated queue: text masked, flagged images not delivered. */
  #moderated = true;

  override async onCreate({ deps, pairKey, queue }: RoomCreateOptions & { pairKey?: unknown; queue?: unknown }): Promise<void> {
    this.#deps = deps;
    this.#moderated = queue !== MatchQueue.Adult;
    const pair = await deps.handoff.take(pairKey);
    if (!pair) {
      throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, "Chat rooms are opened by the lobby");
    }
    await this.setPrivate(true);
    this.state = new ChatState();
    this.#pair = [pair[0].id, pair[1].id];
    for (const user of pair) {
      this.state.participants.set(user.id, new Participant({ userId: user.id, username: user.username }));
    }
    const startedAt = Date.now();
    this.#meeting = {
      token: deps.meetings.issue(this.roomId, this.#pair, startedAt),
      expiresAt: deps.meetings.expiresAt(startedAt),
    };
    await this.setMetadata(chatMembersMetadata(this.#pair, deps.uploads.chatLifetimeSeconds));
    this.#relay = new Relay(
      { partnerOf: (id) => this.#partnerOf(id), connectionOf: (id) => this.#connectionOf(id), cutOff: (client) => this.#cutOff(client) },
      deps.config.limits,
    );
    this.onMessage("*", createInbound(chatClientSchemas({ textMaxLength: deps.config.limits.textMaxLength }), this.#messages));
    this.clock.setTimeout(() => this.#endIfPartnerNeverCame(), (this.seatReservationTimeout + 1) * 1000);
  }

  override async onJoin(client: RoomClient): Promise<void> {
    const participant = this.state.participants.get(client.auth!.id);
    if (!participant || participant.connected || this.#ended) {
      throw new ServerError(ErrorCode.AUTH_FAILED, "This chat belongs to two other users");
    }
    await this.#refuseIfBanned(participant.userId);
    initConnection(client, this.#deps.budget);
    participant.connected = true;
    this.#stateChanged();
    this.#send(client, ChatServerMessage.Meeting, { ...this.#meeting, partnerId: this.#partnerOf(participant.userId) });
    this.#relay.deliverHeld(client);
    if (this.clients.length === this.maxClients) await this.lock();
    await this.#deps.online.connected(participant.userId);
  }

  override async onDrop(client: RoomClient, code?: number): Promise<void> {
    const userId = client.auth!.id;
    if (this.#ended || code === CloseCode.SERVER_SHUTDOWN) return;
    this.#dropped.add(userId);
    this.#setAway(userId);
    this.#sendTo(this.#partnerOf(userId), ChatServerMessage.PartnerDisconnected, { userId });
    this.allowReconnection(client, this.#deps.config.limits.reconnectGraceSeconds).catch(() => undefined);
    await this.#deps.online.disconnected(userId);
  }

  override async onReconnect(client: RoomClient): Promise<void> {
    const userId = client.auth!.id;
    await this.#refuseIfBanned(userId);
    this.#dropped.delete(userId);
    this.state.participants.get(userId)!.connected = true;
    this.#stateChanged();
    this.#relay.deliverHeld(client);
    this.#sendTo(this.#partnerOf(userId), ChatServerMessage.PartnerReconnected, { userId });
    metrics.reconnection(ReconnectionOutcome.Reconnected);
    await this.#deps.online.connected(userId);
  }

  override async onLeave(client: RoomClient): Promise<void> {
    const userId = client.auth!.id;
    // Away since a drop (already counted offline then): the grace ran out, or `onReconnect` refused the user.
    const wasAway = this.#dropped.delete(userId);
    const refused = this.#refused.has(userId);
    if (wasAway) metrics.reconnection(refused ? ReconnectionOutcome.Refused : ReconnectionOutcome.TimedOut);
    this.#setAway(userId);
    this.#end(userId, wasAway && !refused ? PartnerLeftReason.Timeout : PartnerLeftReason.Left);
    if (!wasAway) await this.#deps.online.disconnected(userId);
  }

  /** A user banned while dropped loses the seat held for them: the chat ends now, not when the grace runs out. */
  releaseBannedUser(userId: string): void {
    if (!this.#dropped.has(userId)) return;
    this.#refused.add(userId);
    this.#end(userId, PartnerLeftReason.Left);
  }

  /**
   * Chat seats are reserved by the server and reconnections skip authentication, so a ban
   * made since the user was matched, or while they were away, is checked here; the chat ends.
   */
  async #refuseIfBanned(userId: string): Promise<void> {
    const ban = await this.#deps.safety.activeBan(userId, new Date());
    if (!ban) return;
    this.#refused.add(userId);
    if (!this.#dropped.has(userId)) this.#end(userId, PartnerLeftReason.Left);
    throw new ServerError(ErrorCode.AUTH_FAILED, `Banned until ${ban.until.toISOString()}`);
  }

  /** The chat is over for good: its uploads go with it. */
  override async onDispose(): Promise<void> {
    if (!this.#deps) return;
    await this.#deps.uploads.chatEnded(this.roomId);
  }

  /** Colyseus picks a serializer when the state is set; chats take the one that shares its handshake. */
  override setSerializer(serializer: Serializer<ChatState>): void {
    super.setSerializer(serializer instanceof SchemaSerializer ? new ChatSerializer() : serializer);
  }

  /** The process is stopping: the chat ends, and both are told so before their connections close, so they can find a new partner. */
  override onBeforeShutdown(): void {
    this.#stopRelaying();
    for (const client of this.clients) {
      this.#send(client, ChatServerMessage.ServerShutdown, { message: "This server is restarting; the chat has ended, join the lobby to find a new partner" });
    }
    super.onBeforeShutdown();
  }

  override onUncaughtException(error: RoomException, method: RoomMethodName): void {
    reportRoomException(this.#deps.logger, this.roomName, error, method);
  }

  /** The chat's protocol: each client message type, validated by its schema in `protocol.ts`, and what it does. */
  readonly #messages: Handlers<ChatSchemas> = {
    [ChatClientMessage.Message]: (client, message) => this.#sendChatMessage(client, message),
    [ChatClientMessage.Typing]: (client, { typing }) => {
      this.state.participants.get(client.auth!.id)!.typing = typing;
      this.#stateChanged();
      this.#relay.relay(client.auth!.id, ChatServerMessage.Typing, { typing }, { whenAway: WhenAway.Drop });
    },
    [ChatClientMessage.Clear]: (client) => {
      this.#relay.relay(client.auth!.id, ChatServerMessage.Clear, {}, { whenAway: WhenAway.Hold });
    },
    [ChatClientMessage.Leave]: (client) => this.#end(client.auth!.id, PartnerLeftReason.Left),
    [ChatClientMessage.Offer]: (client, offer) => {
      this.state.call.assign({ status: CallStatus.Ringing, kind: offer.type });
      this.#stateChanged();
      this.#relay.relay(client.auth!.id, ChatServerMessage.Offer, offer, { whenAway: WhenAway.Hold });
    },
    [ChatClientMessage.Answer]: (client, answer) => {
      this.state.call.status = CallStatus.Active;
      this.#stateChanged();
      this.#relay.relay(client.auth!.id, ChatServerMessage.Answer, answer, { whenAway: WhenAway.Hold });
    },
    [ChatClientMessage.IceCandidate]: (client, candidate) => {
      this.#relay.relay(client.auth!.id, ChatServerMessage.IceCandidate, candidate, { whenAway: WhenAway.Hold });
    },
    [ChatClientMessage.EndCall]: (client) => {
      this.state.call.assign({ status: CallStatus.Idle, kind: "" });
      this.#stateChanged();
      this.#relay.relay(client.auth!.id, ChatServerMessage.EndCall, {}, { whenAway: WhenAway.Hold });
    },
    [ChatClientMessage.CallStats]: (_client, { outcome }) => metrics.callReported(outcome),
    [ChatClientMessage.Report]: (client, report) => this.#report(client, report),
  };

  /** Relays a text, file or voice message, signed for the recipient, and acknowledges it to its sender. */
  async #sendChatMessage(client: RoomClient, message: ChatClientPayload<typeof ChatClientMessage.Message>): Promise<void> {
    let relayed: { content?: string; fileId?: string } = { content: message.content };
    if (message.type !== MessageKind.Text) {
      const checked = await checkAttachment(this.#deps.uploads, message, this.roomId, client.auth!.id, this.#moderated);
      if ("refusal" in checked) return sendRoomError(client, checked.refusal.code, checked.refusal.message, ChatClientMessage.Message);
      relayed = checked.attachment;
    } else if (!message.content?.trim()) {
      return sendRoomError(client, RoomErrorCode.INVALID_PAYLOAD, "content: a text message needs text", ChatClientMessage.Message);
    } else if (this.#moderated) {
      relayed = { content: maskProfanity(message.content) };
    }
    const signer = this.#deps.signer;
    const stamp = this.#relay.relay(client.auth!.id, ChatServerMessage.Message, { type: message.type, ...relayed }, {
      whenAway: WhenAway.Hold,
      signature: ({ id, from, timestamp }, to) => signer.sign({ id, from, to, timestamp, type: message.type, content: signedContent(relayed) }),
    });
    if (!stamp) {
      return sendRoomError(client, RoomErrorCode.PARTNER_UNAVAILABLE, undefined, ChatClientMessage.Message);
    }
    const ack = { id: stamp.id, timestamp: stamp.timestamp };
    this.#send(client, ChatServerMessage.Ack, message.clientMessageId ? { ...ack, clientMessageId: message.clientMessageId } : ack);
  }

  async #report(client: RoomClient, input: ChatClientPayload<typeof ChatClientMessage.Report>): Promise<void> {
    const reporterId = client.auth!.id;
    let outcome: ReportOutcome;
    try {
      // A report that bans the partner also closes their connections (see realtime/evictions).
      outcome = await this.#deps.moderation.report({
        reporterId,
        reportedId: this.#partnerOf(reporterId),
        category: input.category,
        reason: input.reason ?? null,
        messages: asEvidence(input.messages, reporterId),
        roomId: this.roomId,
        reporterIp: clientAddress(client),
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== AppErrorCode.REPORT_EVIDENCE_INVALID) throw error;
      return sendRoomError(client, error.code, error.message, ChatClientMessage.Report);
    }
    this.#send(client, ChatServerMessage.ReportAccepted, { reportId: outcome.report.id });
  }

  /** The partner's connection while they are connected and reading; not while away. */
  #connectionOf(userId: string): RoomClient | undefined {
    const client = this.#clientOf(userId);
    return client && isOpen(client) && !this.#dropped.has(userId) ? client : undefined;
  }

  /** A client that stops reading is disconnected rather than buffered without end; it may reconnect. */
  #cutOff(client: RoomClient): void {
    this.#deps.logger.warn("Disconnecting a client that stopped reading", { room: this.roomId, userId: client.auth!.id });
    (client.ref as unknown as { terminate(): void }).terminate();
  }

  #end(leaverId: string, reason: PartnerLeftReason): void {
    if (this.#ended) return;
    this.#stopRelaying();
    const partnerId = this.#partnerOf(leaverId);
    this.#sendTo(partnerId, ChatServerMessage.PartnerLeft, { userId: leaverId, reason });
    this.#deps.handoff.rememberPartners(leaverId, partnerId, this.#deps.config.limits.rematchCooldownSeconds).catch((error: unknown) => {
      this.#deps.logger.warn("Could not remember the partners of a chat", { room: this.roomId, error: String(error) });
    });
    this.state.call.assign({ status: CallStatus.Idle, kind: "" });
    this.#stateChanged();
    this.disconnect(CloseCode.CONSENTED).catch((error: unknown) => {
      this.#deps.logger.error("Could not close chat room", { room: this.roomId, error: String(error) });
    });
  }

  /**
   * Sends the state's changes once this turn's handlers are done. A chat's state changes
   * rarely (who is here, typing, the call), so it is patched on change, not 20 times a second.
   */
  #stateChanged(): void {
    if (this.#patchPending) return;
    this.#patchPending = true;
    setImmediate(() => {
      this.#patchPending = false;
      this.broadcastPatch();
    });
  }

  #stopRelaying(): void {
    this.#ended = true;
    this.#relay.close();
  }

  #endIfPartnerNeverCame(): void {
    const absent = [...this.state.participants.values()].find((p) => !p.connected && !this.#dropped.has(p.userId));
    if (absent && !this.#ended) this.#end(absent.userId, PartnerLeftReason.NoShow);
  }

  #setAway(userId: string): void {
    const participant = this.state.participants.get(userId);
    if (participant) participant.assign({ connected: false, typing: false });
    this.#stateChanged();
  }

  #partnerOf(userId: string): string {
    return userId === this.#pair[0] ? this.#pair[1] : this.#pair[0];
  }

  #clientOf(userId: string): RoomClient | undefined {
    for (const client of this.clients) if (client.auth?.id === userId) return client;
    return undefined;
  }

  /** Sends to a participant if connected; status notices are not held for an absent one. */
  #sendTo<K extends keyof ChatServerPayloads>(userId: string, type: K, payload: ChatServerPayloads[K]): void {
    const client = this.#clientOf(userId);
    if (client && !this.#dropped.has(userId)) this.#send(client, type, payload);
  }

  #send<K extends keyof ChatServerPayloads>(client: RoomClient, type: K, payload: ChatServerPayloads[K]): void {
    client.send(type, payload);
  }
}
