import { z } from "zod";
import { REPORT_CATEGORIES, type ReportedMessage } from "./safety-store.ts";

const MAX_QUOTED_MESSAGES = 50;

/** A chat message as the reporter received it, quoted back with the server's signature. */
const quotedMessageSchema = z.object({
  id: z.string().min(1).max(64),
  from: z.string().min(1).max(64),
  timestamp: z.iso.datetime(),
  type: z.enum(["text", "file", "voice"]),
  content: z.string().max(100_000).optional(),
  fileId: z.string().max(64).optional(),
  signature: z.string().min(1).max(128),
});
export type QuotedMessage = z.infer<typeof quotedMessageSchema>;

/** What a report carries, over REST (`POST /api/users/:id/report`) and in the chat room (`chat:report`). */
export const reportInputSchema = z.strictObject({
  category: z.enum(REPORT_CATEGORIES),
  reason: z.string().trim().max(1000).optional(),
  messages: z.array(quotedMessageSchema).max(MAX_QUOTED_MESSAGES).optional(),
});
export type ReportInput = z.infer<typeof reportInputSchema>;

/** Over REST the report also names the chat: the `meeting` token the chat room sent (`chat:meeting`). */
export const restReportSchema = reportInputSchema.extend({
  meeting: z.string().min(1).max(256),
});

/** What a signature covers for a relayed message: its text, or the file it carries. */
export const signedContent = (message: { content?: string | undefined; fileId?: string | undefined }): string =>
  message.content ?? message.fileId ?? "";

/** The quoted messages as evidence: they must have been sent to the reporter. */
export function asEvidence(messages: QuotedMessage[] | undefined, reporterId: string): ReportedMessage[] {
  return (messages ?? []).map((m) => ({
    id: m.id,
    from: m.from,
    to: reporterId,
    timestamp: m.timestamp,
    type: m.type,
    content: signedContent(m),
    signature: m.signature,
  }));
}
