/**
 * The shapes of the server → client messages of `protocol.ts`, as zod schemas, for the
 * AsyncAPI document. Each is checked against its payload type there, and each message of
 * `LobbyServerPayloads` / `ChatServerPayloads` must have one, so they cannot drift apart.
 */
import { z } from "zod";
import {
  CallKind,
  ChatServerMessage,
  LobbyServerMessage,
  MessageKind,
  PartnerLeftReason,
  RoomErrorCode,
  chatClientSchemas,
  type ChatServerPayloads,
  type LobbyServerPayloads,
} from "./protocol.ts";

const values = <T extends Record<string, string>>(o: T) => Object.values(o) as [T[keyof T], ...T[keyof T][]];

const errorPayload = z
  .object({
    code: z.enum(values(RoomErrorCode)),
    message: z.string(),
    type: z.string().optional().meta({ description: "The message type that was refused, when there is one" }),
  })
  .meta({ description: "A message was refused, or something went wrong; the connection stays open" });

const shutdownNotice = z.object({ message: z.string() });

const publicProfile = z.object({
  id: z.string(),
  username: z.string(),
  country: z.string().optional().meta({ description: "Only when the partner chose to share it" }),
});

const seatReservation = z
  .object({
    name: z.string(),
    sessionId: z.string(),
    roomId: z.string(),
    processId: z.string(),
    publicAddress: z.string().optional(),
  })
  .meta({ description: "Pass as is to the SDK's `client.consumeSeatReservation()`" });

const stamp = {
  id: z.string(),
  from: z.string().meta({ description: "The sender's user id" }),
  timestamp: z.iso.datetime().meta({ description: "ISO 8601 in UTC, stamped by the server (the seed's format)" }),
};

const userId = z.object({ userId: z.string() });
const relayed = <T extends z.ZodRawShape>(shape: T) => z.object({ ...stamp, ...shape });
const chatInput = chatClientSchemas();

export const lobbyServerSchemas = {
  [LobbyServerMessage.ConnectionEstablished]: z.object({
    userId: z.string(),
    username: z.string(),
    online: z.number().int().meta({ description: "Users online across the service" }),
  }),
  [LobbyServerMessage.Queued]: z.object({
    position: z.number().int().optional().meta({ description: "1-based place in the waiting queue, when known" }),
  }),
  [LobbyServerMessage.Matched]: z.object({ reservation: seatReservation, roomId: z.string(), matchedUser: publicProfile }),
  [LobbyServerMessage.SessionReplaced]: z.object({}),
  [LobbyServerMessage.ServerShutdown]: shutdownNotice,
  [LobbyServerMessage.Error]: errorPayload,
} satisfies { [K in keyof LobbyServerPayloads]: z.ZodType<LobbyServerPayloads[K]> };

export const chatServerSchemas = {
  [ChatServerMessage.Message]: relayed({
    type: z.enum(values(MessageKind)),
    content: z.string().optional(),
    fileId: z.string().optional().meta({ description: "Files and voice notes: fetch with `GET /api/uploads/{fileId}`" }),
    name: z.string().optional(),
    mime: z.string().optional(),
    size: z.number().optional(),
    duration: z.number().optional().meta({ description: "Voice notes: seconds, measured from the audio" }),
    sensitive: z.literal(true).optional().meta({ description: "An image the server's screening flagged: show it blurred until the user taps it" }),
    signature: z.string().meta({ description: "The server's signature; quote the message with it in a report" }),
  }),
  [ChatServerMessage.Ack]: z.object({ clientMessageId: z.string().optional(), id: z.string(), timestamp: z.iso.datetime() }),
  [ChatServerMessage.Typing]: relayed({ typing: z.boolean() }),
  [ChatServerMessage.Clear]: relayed({}),
  [ChatServerMessage.Offer]: relayed({ ...chatInput["webrtc:offer"].shape, type: z.enum(values(CallKind)) }),
  [ChatServerMessage.Answer]: relayed(chatInput["webrtc:answer"].shape),
  [ChatServerMessage.IceCandidate]: relayed(chatInput["webrtc:ice-candidate"].shape),
  [ChatServerMessage.EndCall]: relayed({}),
  [ChatServerMessage.PartnerDisconnected]: userId,
  [ChatServerMessage.PartnerReconnected]: userId,
  [ChatServerMessage.PartnerLeft]: z.object({ userId: z.string(), reason: z.enum(values(PartnerLeftReason)) }),
  [ChatServerMessage.ReportAccepted]: z.object({ reportId: z.string() }),
  [ChatServerMessage.Meeting]: z
    .object({
      token: z.string().meta({ description: "Send as `meeting` in `POST /api/users/{partnerId}/report`" }),
      partnerId: z.string(),
      expiresAt: z.number().meta({ description: "Epoch milliseconds after which the token is refused" }),
    })
    .meta({ description: "Proof that the two had this chat, sent to each on joining; says nothing of what was said" }),
  [ChatServerMessage.ServerShutdown]: shutdownNotice,
  [ChatServerMessage.Error]: errorPayload,
} satisfies { [K in keyof ChatServerPayloads]: z.ZodType<ChatServerPayloads[K]> };
