import { schema, t, type SchemaType } from "@colyseus/schema";
import { CallStatus } from "./protocol.ts";

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
