import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  MessageKind,
  type PublicProfile,
} from "../../rooms/protocol.ts";
import type { BotStats } from "./bot-stats.ts";
import { epochMs } from "./clock.ts";
import type { ChatLink, Connector, Identity, Matched, RoomLink } from "./link.ts";
import type { CallScript } from "./call-script.ts";
import { readSendTime, textWithSendTime } from "./text-payload.ts";

export type BotState = "new" | "lobby" | "waiting" | "chatting" | "closed";

export interface BotOptions {
  /**
   * Stay in the lobby while chatting (two sockets per client). By default a bot does
   * what Pairline's README and demo page do: it leaves the lobby once seated in its
   * chat, and comes back to it to look for the next stranger.
   */
  keepLobby: boolean;
  /**
   * When a way back to the next stranger fails (lobby re-join refused or timed out, seat
   * expired, lobby closed while waiting), wait and try again, as a person would, instead
   * of staying out for good. Each failure is still counted. Off by default (the bench
   * measures what a single attempt does).
   */
  retry?: Backoff;
}

/** Waits before the n-th consecutive retry: up to `firstMs` × 2ⁿ⁻¹, capped at `maxMs`, with full jitter. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/**
 * One stranger: gets a token, sits in the lobby, asks for a partner, chats, calls,
 * skips and drops when told to, and measures what it sees.
 */
export class Bot {
  state: BotState = "new";
  identity?: Identity;
  partner?: PublicProfile;
  /** Who this bot chatted with last, kept after the chat ends. */
  lastPartnerId?: string;
  /** Per-bot send schedule, driven by the worker's ticker. */
  nextSendAt = 0;
  /** When this bot last sat down in a chat (epoch ms). */
  seatedAt = 0;

  readonly #connector: Connector;
  readonly #stats: BotStats;
  readonly #calls: CallScript;
  readonly #options: BotOptions;
  #lobby?: RoomLink;
  #chat?: ChatLink;
  #matchRequestedAt = 0;
  #rematchFrom = 0;
  #skippedAt = 0;
  #rematchOnClose = false;
  #droppedAt = 0;
  #callStartedAt = 0;
  /** Between a skip (or the partner's) and being seated with the next stranger. */
  #rematching = false;
  /** Failed attempts in a row to get back to a chat; reset once seated. */
  #failures = 0;
  #retryTimer?: NodeJS.Timeout;

  constructor(connector: Connector, stats: BotStats, calls: CallScript, options: BotOptions) {
    this.#connector = connector;
    this.#stats = stats;
    this.#calls = calls;
    this.#options = options;
  }

  /** Token, then lobby; false (and counted) if either fails. */
  async connect(): Promise<boolean> {
    try {
      const startedAt = epochMs();
      this.identity = await this.#connector.identify();
      this.#stats.time("token", epochMs() - startedAt);
    } catch (error) {
      this.#stats.count(`token failed: ${describe(error)}`);
      this.state = "closed";
      return false;
    }
    return this.#enterLobby(false);
  }

  /** `again`: coming back for the next stranger (may be retried), not the first arrival. */
  async #enterLobby(again: boolean): Promise<boolean> {
    try {
      const startedAt = epochMs();
      const lobby = await this.#connector.enterLobby(this.identity!);
      this.#stats.time("lobby", epochMs() - startedAt);
      if (this.state === "closed") {
        void lobby.leave().catch(() => undefined);
        return false;
      }
      this.#lobby = lobby;
      lobby.onMessage((type, payload) => this.#onLobbyMessage(type, payload));
      lobby.onClose((code) => {
        if (lobby !== this.#lobby) return;
        this.#lobby = undefined;
        if (this.state === "closed") return;
        this.#stats.count(`lobby closed ${code}`);
        if (this.state === "chatting") return;
        if (!this.#retryLater()) this.state = "closed";
      });
      if (this.state !== "waiting") this.state = "lobby";
      return true;
    } catch (error) {
      this.#stats.count(`lobby failed: ${describe(error)}`);
      if (this.state === "closed") return false;
      if (again && this.#retryLater()) return false;
      this.state = "closed";
      return false;
    }
  }

  /** Asks the lobby for a partner, coming back to the lobby first if this bot had left it. */
  requestMatch(): void {
    if (this.state !== "lobby") return;
    this.state = "waiting";
    this.#matchRequestedAt = epochMs();
    if (this.#lobby) return this.#lobby.send(LobbyClientMessage.Match, {});
    void this.#enterLobby(true).then((ok) => {
      if (ok && this.state === "waiting") this.#lobby?.send(LobbyClientMessage.Match, {});
    });
  }

  async #leaveLobby(): Promise<void> {
    const lobby = this.#lobby;
    this.#lobby = undefined;
    await lobby?.leave().catch(() => undefined);
  }

  sendText(window: number, length: number): boolean {
    if (this.state !== "chatting" || !this.#chat) return false;
    const content = textWithSendTime(window, length);
    this.#chat.send(ChatClientMessage.Message, { type: MessageKind.Text, content, clientMessageId: content.slice(0, content.indexOf(":", content.indexOf(":") + 1) + 1) });
    return true;
  }

  /** Whether this bot opens the call of its pair: exactly one side does. */
  get callsFirst(): boolean {
    return !!this.identity && !!this.partner && this.identity.userId < this.partner.id;
  }

  startCall(): void {
    if (this.state !== "chatting" || !this.#chat) return;
    this.#callStartedAt = epochMs();
    this.#stats.count("calls started");
    this.#chat.send(ChatClientMessage.Offer, this.#calls.offer());
    for (const candidate of this.#calls.candidates()) this.#chat.send(ChatClientMessage.IceCandidate, candidate);
  }

  /** Leaves this chat for the next stranger; the partner, told `partner:left`, looks for another too. */
  skip(): void {
    if (this.state !== "chatting" || !this.#chat) return;
    this.#rematchFrom = this.#skippedAt = epochMs();
    this.#rematchOnClose = true;
    this.#rematching = true;
    this.#chat.send(ChatClientMessage.Leave, {});
  }

  drop(): void {
    if (this.state !== "chatting" || !this.#chat) return;
    this.#droppedAt = epochMs();
    this.#chat.drop();
  }

  get dropped(): boolean {
    return this.#droppedAt > 0;
  }

  get rematching(): boolean {
    return this.#rematching && this.state !== "closed";
  }

  /** The chat this bot sits in, while it chats. */
  get chatRoomId(): string | undefined {
    return this.state === "chatting" ? this.#chat?.roomId : undefined;
  }

  /** Shows the partner a file or voice note this bot has uploaded to its chat. */
  sendAttachment(kind: typeof MessageKind.File | typeof MessageKind.Voice, fileId: string): boolean {
    if (this.state !== "chatting" || !this.#chat) return false;
    this.#chat.send(ChatClientMessage.Message, { type: kind, fileId });
    return true;
  }

  get calling(): boolean {
    return this.#callStartedAt > 0;
  }

  async close(): Promise<void> {
    const links = [this.#chat, this.#lobby];
    this.state = "closed";
    clearTimeout(this.#retryTimer);
    this.#chat = undefined;
    this.#lobby = undefined;
    await Promise.all(links.map((link) => link?.leave().catch(() => undefined)));
  }

  /** With `retry`, asks for a match again after a backoff; false when this bot does not retry. */
  #retryLater(): boolean {
    const retry = this.#options.retry;
    if (!retry) return false;
    this.#failures += 1;
    this.#stats.count("retries after a failed re-join");
    this.state = "lobby";
    const delay = Math.random() * Math.min(retry.maxMs, retry.firstMs * 2 ** (this.#failures - 1));
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.requestMatch(), delay);
    return true;
  }

  #onLobbyMessage(type: string, payload: any): void {
    if (type === LobbyServerMessage.Matched) {
      this.#stats.time("matchNotice", epochMs() - this.#matchRequestedAt);
      void this.#takeSeat(payload as Matched);
    } else if (type === LobbyServerMessage.Error) {
      this.#stats.count(`server error ${payload?.code}`);
    }
  }

  async #takeSeat(matched: Matched): Promise<void> {
    try {
      const chat = await this.#connector.takeSeat(this.identity!, matched);
      if (this.state === "closed") return void chat.leave().catch(() => undefined);
      const now = epochMs();
      this.seatedAt = now;
      this.#stats.time("match", now - this.#matchRequestedAt);
      if (this.#rematchFrom > 0) this.#stats.time("rematch", now - this.#rematchFrom);
      if (this.#skippedAt > 0) this.#stats.time("skipToChat", now - this.#skippedAt);
      this.#rematchFrom = this.#skippedAt = 0;
      this.#rematchOnClose = false;
      this.#rematching = false;
      this.#failures = 0;
      this.#chat = chat;
      this.partner = matched.matchedUser;
      this.lastPartnerId = matched.matchedUser.id;
      this.state = "chatting";
      chat.onMessage((type, payload) => this.#onChatMessage(type, payload));
      chat.onReconnect(() => {
        this.#stats.time("reconnect", epochMs() - this.#droppedAt);
        this.#droppedAt = 0;
      });
      chat.onClose((code) => this.#onChatClosed(chat, code));
      if (!this.#options.keepLobby) await this.#leaveLobby();
    } catch (error) {
      this.#stats.count(`seat failed: ${describe(error)}`);
      if (this.state !== "closed") {
        this.state = "lobby";
        this.#retryLater();
      }
    }
  }

  #onChatMessage(type: string, payload: any): void {
    switch (type) {
      case ChatServerMessage.Message: {
        const stamped = readSendTime(payload?.content);
        if (stamped) this.#stats.window(stamped.window).delivered(epochMs() - stamped.sentAt);
        return;
      }
      case ChatServerMessage.Ack: {
        const stamped = readSendTime(payload?.clientMessageId);
        if (stamped) this.#stats.window(stamped.window).acknowledged(epochMs() - stamped.sentAt);
        return;
      }
      case ChatServerMessage.Offer:
        this.#chat?.send(ChatClientMessage.Answer, this.#calls.answer());
        for (const candidate of this.#calls.candidates()) this.#chat?.send(ChatClientMessage.IceCandidate, candidate);
        return;
      case ChatServerMessage.Answer:
        if (this.#callStartedAt > 0) this.#stats.time("callSetup", epochMs() - this.#callStartedAt);
        this.#callStartedAt = 0;
        return;
      case ChatServerMessage.IceCandidate:
        this.#stats.count("ice candidates received");
        return;
      case ChatServerMessage.PartnerLeft:
        this.#rematchFrom = epochMs();
        this.#rematchOnClose = true;
        this.#rematching = true;
        return;
      case ChatServerMessage.Error:
        this.#stats.count(`server error ${payload?.code}`);
        return;
      default:
        return;
    }
  }

  #onChatClosed(chat: ChatLink, code: number): void {
    if (chat !== this.#chat) return;
    this.#chat = undefined;
    this.partner = undefined;
    if (this.state === "closed") return;
    this.state = "lobby";
    if (this.#rematchOnClose) {
      this.#rematchOnClose = false;
      const from = this.#rematchFrom;
      this.requestMatch();
      this.#rematchFrom = from;
    } else {
      this.#stats.count(`chat closed ${code}`);
    }
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[0-9a-f]{8,}/gi, "…").slice(0, 120);
}
