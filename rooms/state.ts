import { Encoder, schema, t, type SchemaType } from "@colyseus/schema";
import { CallStatus } from "./protocol.ts";

/**
 * A chat's whole state encodes to at most about 260 bytes (longest ids and names), but
 * Colyseus gives each room two encode buffers of `Encoder.BUFFER_SIZE` (16 KB by default):
 * 32 KB per chat, half of what a chatting client costs the server. 1 KB is nearly four
 * times the largest state. Chat rooms are the only rooms with state; a buffer that ever
 * proves too small is grown by the encoder. The size is process-wide, so the server that
 * defines the rooms sets it, not this module's import.
 */
export function useSmallStateBuffers(): void {
  Encoder.BUFFER_SIZE = 1024;
}

/** What both sides of a chat render; messages themselves are never kept in state. */
export const Participant = schema(
  {
    userId: t.string(),
    username: t.string(),
    connected: t.boolean().default(false),
    typing: t.boolean().default(false),
  },
  "Participant",
);
export type Participant = SchemaType<typeof Participant>;

export const Call = schema(
  {
    status: t.string().default(CallStatus.Idle),
    /** `audio` or `video` while ringing or active; empty when idle. */
    kind: t.string().default(""),
  },
  "Call",
);
export type Call = SchemaType<typeof Call>;

export const ChatState = schema(
  {
    participants: t.map(Participant),
    call: Call,
  },
  "ChatState",
);
export type ChatState = SchemaType<typeof ChatState>;
