/**
 * The realtime protocol: every message a client and the server exchange, by name and
 * shape, in one place. The server validates with these schemas; tests, bots and the
 * demo page import the names and types from here.
 */
import { z } from "zod";
import { MatchQueue, matchPreferences } from "../src/matchmaking/preferences.ts";
import { reportInputSchema } from "../src/users/report-schemas.ts";
import type { RoomErrorCode } from "../src/errors/catalogue.ts";

export const RoomName = { Lobby: "lobby", Chat: "chat" } as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

export const LobbyClientMessage = {
  Match: "user:match",
  Cancel: "user:cancel",
} as const;
export type LobbyClientMessage = (typeof LobbyClientMessage)[keyof typeof LobbyClientMessage];

export const LobbyServerMessage = {
  ConnectionEstablished: "connection:established",
  Queued: "match:queued",
  Matched: "user:matched",
  /** This user opened the lobby elsewhere; this connection is closed. */
  SessionReplaced: "session:replaced",
  /** This process is stopping: the connection closes next; join the lobby again (another process serves it). */
  ServerShutdown: "server:shutdown",
  Error: "error",
} as const;
export type LobbyServerMessage = (typeof LobbyServerMessage)[keyof typeof LobbyServerMessage];

export const ChatClientMessage = {
  Message: "chat:message",
  Typing: "chat:typing",
  Clear: "chat:clear",
  Leave: "chat:leave",
  Offer: "webrtc:offer",
  Answer: "webrtc:answer",
  IceCandidate: "webrtc:ice-candidate",
  EndCall: "webrtc:end",
  CallStats: "webrtc:stats",
  Report: "chat:report",
} as const;
export type ChatClientMessage = (typeof ChatClientMessage)[keyof typeof ChatClientMessage];

export const ChatServerMessage = {
  Message: "chat:message",
  Ack: "chat:ack",
  Typing: "chat:typing",
  Clear: "chat:clear",
  Offer: "webrtc:offer",
  Answer: "webrtc:answer",
  IceCandidate: "webrtc:ice-candidate",
  EndCall: "webrtc:end",
  PartnerDisconnected: "partner:disconnected",
  PartnerReconnected: "partner:reconnected",
  PartnerLeft: "partner:left",
  ReportAccepted: "report:accepted",
  /** Sent on joining a chat: the token that proves, in a later REST report, that the two had this chat. */
  Meeting: "chat:meeting",
  /** This process is stopping: the chat ends for both, who may look for a new partner in the lobby. */
  ServerShutdown: "server:shutdown",
  Error: "error",
} as const;
export type ChatServerMessage = (typeof ChatServerMessage)[keyof typeof ChatServerMessage];

/** Codes carried by the `error` message. */
/** The codes of a room `error` message: the room part of the error catalogue. */
export { RoomErrorCode } from "../src/errors/catalogue.ts";

export const PartnerLeftReason = {
  Left: "left",
  Timeout: "timeout",
  NoShow: "no-show",
} as const;
export type PartnerLeftReason = (typeof PartnerLeftReason)[keyof typeof PartnerLeftReason];


export const MessageKind = { Text: "text", File: "file", Voice: "voice" } as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

export const CallKind = { Audio: "audio", Video: "video" } as const;
export type CallKind = (typeof CallKind)[keyof typeof CallKind];

/** How a call went, as the client saw it (`webrtc:stats`): peer to peer, through TURN, or not at all. */
export const CallOutcome = { Direct: "direct", Relayed: "relayed", Failed: "failed" } as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

export const CallStatus = { Idle: "idle", Ringing: "ringing", Active: "active" } as const;
export type CallStatus = (typeof CallStatus)[keyof typeof CallStatus];

/** Bounds of the protocol; `textMaxLength` follows `TEXT_MAX_LENGTH` on the server. */
export interface ProtocolLimits {
  textMaxLength: number;
}
export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = Object.freeze({ textMaxLength: 4000 });

/** An SDP must fit in one 64 KB transport frame together with its envelope. */
export const SDP_MAX_LENGTH = 48 * 1024;
export const ICE_CANDIDATE_MAX_LENGTH = 2048;
export const ID_MAX_LENGTH = 64;
export { INTERESTS_MAX, INTEREST_MAX_LENGTH, MatchQueue, type MatchPreferences } from "../src/matchmaking/preferences.ts";

const id = z.string().min(1).max(ID_MAX_LENGTH);
/** Messages without a body may be sent with nothing, `null` or `{}`. */
const noBody = z.union([z.undefined(), z.null(), z.object({})]);


const sessionDescription = z.object({
  type: z.enum(["offer", "answer", "pranswer", "rollback"]),
  sdp: z.string().max(SDP_MAX_LENGTH).optional(),
});

const iceCandidate = z.object({
  candidate: z.string().max(ICE_CANDIDATE_MAX_LENGTH),
  sdpMid: z.string().max(ID_MAX_LENGTH).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

export const lobbyClientSchemas = {
  [LobbyClientMessage.Match]: z.union([
    z.undefined(),
    z.null(),
    z
      .object({
        preferences: matchPreferences.optional(),
        /** Let the partner see this user's country (from the connection's address). */
        shareCountry: z.boolean().optional(),
        queue: z.enum([MatchQueue.Moderated, MatchQueue.Adult]).optional(),
        /** The user declares they are 18 or older: required with `queue: "adult"`. */
        ageConfirmed: z.boolean().optional(),
      })
      .refine((body) => body.queue !== MatchQueue.Adult || body.ageConfirmed === true, {
        path: ["ageConfirmed"],
        message: "the 18+ queue is open only to users who declare they are 18 or older (ageConfirmed: true)",
      }),
  ]),
  [LobbyClientMessage.Cancel]: noBody,
};

function buildChatClientSchemas(limits: ProtocolLimits) {
  return {
    [ChatClientMessage.Message]: z.object({
      type: z.enum([MessageKind.Text, MessageKind.File, MessageKind.Voice]),
      content: z.string().max(limits.textMaxLength).optional(),
      fileId: id.optional(),
      clientMessageId: id.optional(),
      timestamp: z.union([z.number(), z.string().max(40)]).optional(),
    }),
    [ChatClientMessage.Typing]: z.object({ typing: z.boolean() }),
    [ChatClientMessage.Clear]: noBody,
    [ChatClientMessage.Leave]: noBody,
    [ChatClientMessage.Offer]: z.object({
      offer: sessionDescription,
      type: z.enum([CallKind.Audio, CallKind.Video]),
    }),
    [ChatClientMessage.Answer]: z.object({ answer: sessionDescription }),
    [ChatClientMessage.IceCandidate]: z.object({ candidate: iceCandidate.nullable() }),
    [ChatClientMessage.EndCall]: noBody,
    [ChatClientMessage.CallStats]: z.object({
      outcome: z.enum([CallOutcome.Direct, CallOutcome.Relayed, CallOutcome.Failed]),
    }),
    [ChatClientMessage.Report]: reportInputSchema,
  };
}

export type ChatSchemas = ReturnType<typeof buildChatClientSchemas>;
const chatSchemasByTextLimit = new Map<number, ChatSchemas>();

/**
 * The chat room's schemas for these limits. Built once per limit and shared by every
 * chat room (zod schemas are immutable): building them costs as much as the rest of opening a chat.
 */
export function chatClientSchemas(limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS): ChatSchemas {
  let schemas = chatSchemasByTextLimit.get(limits.textMaxLength);
  if (!schemas) {
    schemas = buildChatClientSchemas(limits);
    chatSchemasByTextLimit.set(limits.textMaxLength, schemas);
  }
  return schemas;
}

type LobbySchemas = typeof lobbyClientSchemas;
export type LobbyClientPayload<K extends LobbyClientMessage> = z.infer<LobbySchemas[K]>;
export type ChatClientPayload<K extends ChatClientMessage> = z.infer<ChatSchemas[K]>;

// ─── server → client ────────────────────────────────────────────────────────

export interface PublicProfile {
  id: string;
  username: string;
  /** Only when the partner chose to share it. */
  country?: string;
}

export interface ErrorPayload {
  code: RoomErrorCode;
  message: string;
  /** The message type that was refused, when there is one. */
  type?: string;
}

/** A Colyseus seat reservation, passed as is to `client.consumeSeatReservation()`. */
export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
  publicAddress?: string;
}

/** Sent before a stopping process closes a room's connections. */
export interface ServerShutdownNotice {
  message: string;
}

/** Every relayed message carries these, stamped by the server. */
export interface Stamp {
  id: string;
  from: string;
  /** ISO 8601 in UTC (`2026-01-01T12:00:00.000Z`), as the seed's clients send and expect. */
  timestamp: string;
}

export interface LobbyServerPayloads {
  [LobbyServerMessage.ConnectionEstablished]: { userId: string; username: string; online: number };
  [LobbyServerMessage.Queued]: { position?: number };
  [LobbyServerMessage.Matched]: { reservation: SeatReservation; roomId: string; matchedUser: PublicProfile };
  [LobbyServerMessage.SessionReplaced]: Record<string, never>;
  [LobbyServerMessage.ServerShutdown]: ServerShutdownNotice;
  [LobbyServerMessage.Error]: ErrorPayload;
}

export interface ChatServerPayloads {
  [ChatServerMessage.Message]: Stamp & {
    type: MessageKind;
    content?: string;
    /** File and voice messages: the upload, as the server describes it (fetch with `GET /api/uploads/:fileId`). */
    fileId?: string;
    name?: string;
    mime?: string;
    size?: number;
    /** Voice notes: seconds, measured from the audio. */
    duration?: number;
    /** Images the server's screening flagged (18+ chats only; a moderated chat refuses them): show blurred until tapped. */
    sensitive?: true;
    /** The server's signature; quote the message with it in a report (`chat:report`). */
    signature: string;
  };
  [ChatServerMessage.Ack]: { clientMessageId?: string; id: string; timestamp: string };
  [ChatServerMessage.Typing]: Stamp & { typing: boolean };
  [ChatServerMessage.Clear]: Stamp;
  [ChatServerMessage.Offer]: Stamp & ChatClientPayload<typeof ChatClientMessage.Offer>;
  [ChatServerMessage.Answer]: Stamp & ChatClientPayload<typeof ChatClientMessage.Answer>;
  [ChatServerMessage.IceCandidate]: Stamp & ChatClientPayload<typeof ChatClientMessage.IceCandidate>;
  [ChatServerMessage.EndCall]: Stamp;
  [ChatServerMessage.PartnerDisconnected]: { userId: string };
  [ChatServerMessage.PartnerReconnected]: { userId: string };
  [ChatServerMessage.PartnerLeft]: { userId: string; reason: PartnerLeftReason };
  [ChatServerMessage.ReportAccepted]: { reportId: string };
  /** `token` goes in `POST /api/users/:partnerId/report` as `meeting`, until `expiresAt` (ms since the epoch). */
  [ChatServerMessage.Meeting]: { token: string; partnerId: string; expiresAt: number };
  [ChatServerMessage.ServerShutdown]: ServerShutdownNotice;
  [ChatServerMessage.Error]: ErrorPayload;
}
