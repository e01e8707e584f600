import { randomUUID } from "node:crypto";
import {
  CloseCode,
  ErrorCode,
  Protocol,
  Room,
  SchemaSerializer,
  ServerError,
  getMessageBytes,
  type RoomException,
  type RoomMethodName,
  type Serializer,
} from "@colyseus/core";
import { ReconnectionOutcome, metrics } from "../src/metrics/index.ts";
import { forgetChatMembers, publishChatMembers } from "../src/realtime/chat-members.ts";
import { clientAddress } from "../src/realtime/client-address.ts";
import { AppError } from "../src/errors.ts";
import type { ReportOutcome } from "../src/users/moderation.ts";
import { asEvidence, signedContent } from "../src/users/report-schemas.ts";
import { checkAttachment } from "./attachments.ts";
import { ChatSerializer } from "./chat-serializer.ts";
import type { RoomCreateOptions, RoomDeps } from "./deps.ts";
import { closeOnForeignFrames } from "./frame-guard.ts";
import { createInbound, sendError, type RoomClient } from "./inbound.ts";
import { PendingFrames } from "./pending-frames.ts";
import {
  CallStatus,
  ChatClientMessage,
  ChatServerMessage,
  MessageKind,
  PartnerLeftReason,
  RoomErrorCode,
  chatClientSchemas,
  type ChatServerPayloads,
  type Stamp,
} from "./protocol.ts";
import { initConnection, reportRoomException } from "./room-support.ts";
import { ChatState, Participant } from "./state.ts";

const OPEN = 1; // WebSocket.OPEN

/** Bytes queued on a client's socket that the network has not taken yet. */
const unsentBytes = (client: RoomClient): number => (client.ref as unknown as { bufferedAmount?: number }).bufferedAmount ?? 0;
const isOpen = (client: RoomClient): boolean => (client.ref as unknown as { readyState?: number }).readyState === OPEN;

/**
 * One conversation between two matched strangers. Created only by the lobby (the pair
 * comes from presence, never from client options); relays what one says to the other,
 * holds messages for a partner who dropped, and ends for both when either leaves.
 */
export class ChatRoom extends Room<{ state: ChatState; client: RoomClient }> {
  override maxClients = 2;

  #deps!: RoomDeps;
  #ended = false;
  /** Participants who lost their connection and may still come back. */
  readonly #dropped = new Set<string>();
  /** Participants whose reconnection was refused (banned meanwhile). */
  readonly #refused = new Set<string>();
  readonly #pending = new Map<string, PendingFrames>();
  /** Proves, to a later report, that these two had this chat (`chat:meeting`). */
  #meeting!: { token: string; expiresAt: number };

  override async onCreate({ deps, pairKey }: RoomCreateOptions & { pairKey?: unknown }): Promise<void> {
    this.#deps = deps;
    const pair = await deps.handoff.take(pairKey);
    if (!pair) {
      throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, "Chat rooms are opened by the lobby");
    }
    await this.setPrivate(true);
    this.state = new ChatState();
    for (const user of pair) {
      this.state.participants.set(user.id, new Participant({ userId: user.id, username: user.username }));
    }
    const startedAt = Date.now();
    this.#meeting = {
      token: deps.meetings.issue(this.roomId, [pair[0].id, pair[1].id], startedAt),
      expiresAt: deps.meetings.expiresAt(startedAt),
    };
    const chatLifetimeSeconds = Math.ceil(deps.config.uploads.maxAgeMs / 1000);
    await publishChatMembers(this.presence, this.roomId, [pair[0].id, pair[1].id], chatLifetimeSeconds);
    this.onMessage("*", this.#inbound(deps));
    this.clock.setTimeout(() => this.#endIfPartnerNeverCame(), (this.seatReservationTimeout + 1) * 1000);
  }

  override async onJoin(client: RoomClient): Promise<void> {
    const participant = this.state.participants.get(client.auth!.id);
    if (!participant || participant.connected || this.#ended) {
      throw new ServerError(ErrorCode.AUTH_FAILED, "This chat belongs to two other users");
    }
    await this.#refuseIfBanned(participant.userId);
    initConnection(client, this.#deps.budget);
    closeOnForeignFrames(client);
    participant.connected = true;
    this.#send(client, ChatServerMessage.Meeting, { ...this.#meeting, partnerId: this.#partnerOf(participant.userId) });
    this.#flushPending(client);
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
    closeOnForeignFrames(client);
    this.state.participants.get(userId)!.connected = true;
    this.#flushPending(client);
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
    await forgetChatMembers(this.presence, this.roomId);
    await this.#deps.uploads.deleteRoom(this.roomId);
  }

  /** Colyseus picks a serializer when the state is set; chats take the one that shares its handshake. */
  override setSerializer(serializer: Serializer<ChatState>): void {
    super.setSerializer(serializer instanceof SchemaSerializer ? new ChatSerializer() : serializer);
  }

  /** The process is stopping: the chat ends, and both are told so before their connections close, so they can find a new partner. */
  override onBeforeShutdown(): void {
    this.#ended = true;
    for (const client of this.clients) {
      this.#send(client, ChatServerMessage.ServerShutdown, { message: "This server is restarting; the chat has ended, join the lobby to find a new partner" });
    }
    super.onBeforeShutdown();
  }

  override onUncaughtException(error: RoomException, method: RoomMethodName): void {
    reportRoomException(this.#deps.logger, this.roomName, error, method);
  }

  #inbound(deps: RoomDeps) {
    const schemas = chatClientSchemas({ textMaxLength: deps.config.limits.textMaxLength });
    return createInbound(schemas, {
      [ChatClientMessage.Message]: async (client, message) => {
        let relayed: { content?: string; fileId?: string } = { content: message.content };
        if (message.type !== MessageKind.Text) {
          const checked = await checkAttachment(deps.uploads, message, this.roomId, client.auth!.id);
          if ("refusal" in checked) return sendError(client, checked.refusal.code, checked.refusal.message, ChatClientMessage.Message);
          relayed = checked.attachment;
        } else if (!message.content?.trim()) {
          return sendError(client, RoomErrorCode.InvalidPayload, "content: a text message needs text", ChatClientMessage.Message);
        }
        const stamp = this.#relay(client, ChatServerMessage.Message, { type: message.type, ...relayed }, true, (stamp, to) => ({
          signature: deps.signer.sign({ ...stamp, to, type: message.type, content: signedContent(relayed) }),
        }));
        if (!stamp) {
          return sendError(client, RoomErrorCode.PartnerUnavailable, "Your partner is away and cannot receive more", ChatClientMessage.Message);
        }
        const ack = { id: stamp.id, timestamp: stamp.timestamp };
        this.#send(client, ChatServerMessage.Ack, message.clientMessageId ? { ...ack, clientMessageId: message.clientMessageId } : ack);
      },
      [ChatClientMessage.Typing]: (client, { typing }) => {
        this.state.participants.get(client.auth!.id)!.typing = typing;
        this.#relay(client, ChatServerMessage.Typing, { typing }, false);
      },
      [ChatClientMessage.Clear]: (client) => {
        this.#relay(client, ChatServerMessage.Clear, {}, true);
      },
      [ChatClientMessage.Leave]: (client) => {
        this.#end(client.auth!.id, PartnerLeftReason.Left);
      },
      [ChatClientMessage.Offer]: (client, offer) => {
        this.state.call.assign({ status: CallStatus.Ringing, kind: offer.type });
        this.#relay(client, ChatServerMessage.Offer, offer, true);
      },
      [ChatClientMessage.Answer]: (client, answer) => {
        this.state.call.status = CallStatus.Active;
        this.#relay(client, ChatServerMessage.Answer, answer, true);
      },
      [ChatClientMessage.IceCandidate]: (client, candidate) => {
        this.#relay(client, ChatServerMessage.IceCandidate, candidate, true);
      },
      [ChatClientMessage.EndCall]: (client) => {
        this.state.call.assign({ status: CallStatus.Idle, kind: "" });
        this.#relay(client, ChatServerMessage.EndCall, {}, true);
      },
      [ChatClientMessage.CallStats]: (_client, { outcome }) => {
        metrics.callReported(outcome);
      },
      [ChatClientMessage.Report]: async (client, input) => {
        const reporterId = client.auth!.id;
        const reportedId = this.#partnerOf(reporterId);
        let outcome: ReportOutcome;
        try {
          // A report that bans the partner also closes their connections (see realtime/evictions).
          outcome = await deps.moderation.report({
            reporterId,
            reportedId,
            category: input.category,
            reason: input.reason ?? null,
            messages: asEvidence(input.messages, reporterId),
            roomId: this.roomId,
            reporterIp: clientAddress(client),
          });
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== RoomErrorCode.ReportRefused) throw error;
          return sendError(client, RoomErrorCode.ReportRefused, error.message, ChatClientMessage.Report);
        }
        this.#send(client, ChatServerMessage.ReportAccepted, { reportId: outcome.report.id });
      },
    });
  }

  /**
   * Stamps a message and hands it to the sender's partner: now if connected, otherwise
   * (when `keepIfAway`) held until the partner returns. Undefined if it could not be held.
   */
  #relay(
    sender: RoomClient,
    type: ChatServerMessage,
    body: object,
    keepIfAway: boolean,
    extra?: (stamp: Stamp, to: string) => object,
  ): Stamp | undefined {
    if (this.#ended) return undefined;
    const stamp: Stamp = { id: randomUUID(), from: sender.auth!.id, timestamp: new Date().toISOString() };
    const to = this.#partnerOf(stamp.from);
    const frame = getMessageBytes.raw(Protocol.ROOM_DATA, type, { ...body, ...stamp, ...extra?.(stamp, to) });
    if (!this.#deliver(to, frame, keepIfAway)) return undefined;
    metrics.messageRelayed(type);
    return stamp;
  }

  #deliver(userId: string, frame: Buffer, keepIfAway: boolean): boolean {
    const client = this.#clientOf(userId);
    if (client && isOpen(client) && !this.#dropped.has(userId)) {
      if (unsentBytes(client) + frame.byteLength <= this.#deps.config.limits.outputBufferBytes) {
        client.enqueueRaw(frame);
        return true;
      }
      this.#cutOff(client);
    }
    return !keepIfAway || this.#pendingFor(userId).push(frame);
  }

  /** A client that stops reading is disconnected rather than buffered without end; it may reconnect. */
  #cutOff(client: RoomClient): void {
    this.#deps.logger.warn("Disconnecting a client that stopped reading", { room: this.roomId, userId: client.auth!.id });
    (client.ref as unknown as { terminate(): void }).terminate();
  }

  #end(leaverId: string, reason: PartnerLeftReason): void {
    if (this.#ended) return;
    this.#ended = true;
    const partnerId = this.#partnerOf(leaverId);
    this.#sendTo(partnerId, ChatServerMessage.PartnerLeft, { userId: leaverId, reason });
    this.#deps.handoff.rememberPartners(leaverId, partnerId, this.#deps.config.limits.rematchCooldownSeconds).catch((error: unknown) => {
      this.#deps.logger.warn("Could not remember the partners of a chat", { room: this.roomId, error: String(error) });
    });
    this.state.call.assign({ status: CallStatus.Idle, kind: "" });
    this.disconnect(CloseCode.CONSENTED).catch((error: unknown) => {
      this.#deps.logger.error("Could not close chat room", { room: this.roomId, error: String(error) });
    });
  }

  #endIfPartnerNeverCame(): void {
    const absent = [...this.state.participants.values()].find((p) => !p.connected && !this.#dropped.has(p.userId));
    if (absent && !this.#ended) this.#end(absent.userId, PartnerLeftReason.NoShow);
  }

  #setAway(userId: string): void {
    const participant = this.state.participants.get(userId);
    if (participant) participant.assign({ connected: false, typing: false });
  }

  #flushPending(client: RoomClient): void {
    for (const frame of this.#pending.get(client.auth!.id)?.drain() ?? []) client.enqueueRaw(frame);
  }

  #pendingFor(userId: string): PendingFrames {
    let pending = this.#pending.get(userId);
    if (!pending) {
      const { reconnectBufferMessages, reconnectBufferBytes } = this.#deps.config.limits;
      pending = new PendingFrames(reconnectBufferMessages, reconnectBufferBytes);
      this.#pending.set(userId, pending);
    }
    return pending;
  }

  #partnerOf(userId: string): string {
    for (const id of this.state.participants.keys()) if (id !== userId) return id;
    return userId;
  }

  #clientOf(userId: string): RoomClient | undefined {
    return this.clients.find((client) => client.auth?.id === userId);
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
