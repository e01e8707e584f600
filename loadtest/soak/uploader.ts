import fs from "node:fs";
import { MessageKind } from "../../rooms/protocol.ts";
import type { Bot } from "../bots/bot.ts";
import { png, uploadFile, VOICE_MP3_FIXTURE, VOICE_WEBM_FIXTURE } from "../../tests/helpers/uploads.ts";

interface Attachment {
  kind: "file" | "voice";
  bytes: Uint8Array;
  name: string;
  type: string;
}

/** What a user shares now and then: a picture, or a voice note as a phone or a browser records it. */
const ATTACHMENTS: Attachment[] = [
  { kind: "file", bytes: png(64, 48), name: "photo.png", type: "image/png" },
  { kind: "voice", bytes: fs.readFileSync(VOICE_MP3_FIXTURE), name: "note.mp3", type: "audio/mpeg" },
  { kind: "voice", bytes: fs.readFileSync(VOICE_WEBM_FIXTURE), name: "note.webm", type: "audio/webm" },
];

export interface UploadCounts {
  /** Uploaded and shown to the partner. */
  shared: number;
  /** Refused, by status: 403 when the chat ended while the file was on its way is expected. */
  refused: Record<string, number>;
  failed: number;
}

/**
 * Every `everyMs`, one chatting bot picked at random uploads an attachment to its chat
 * (through the endpoints in turn) and sends it to its partner.
 */
export function startUploads(bots: () => readonly Bot[], endpoints: string[], everyMs: number): { stop(): Promise<UploadCounts> } {
  const counts: UploadCounts = { shared: 0, refused: {}, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  let turn = 0;
  const uploadOne = async () => {
    const chatting = bots().filter((bot) => bot.chatRoomId && bot.identity);
    const bot = chatting[Math.floor(Math.random() * chatting.length)];
    if (!bot) return;
    const attachment = ATTACHMENTS[turn % ATTACHMENTS.length]!;
    const endpoint = endpoints[turn++ % endpoints.length]!;
    try {
      const answer = await uploadFile(endpoint, bot.identity!.token, { roomId: bot.chatRoomId!, ...attachment }, attachment.kind);
      const fileId = answer.body?.data?.fileId;
      if (answer.status === 201 && typeof fileId === "string") {
        bot.sendAttachment(attachment.kind === "voice" ? MessageKind.Voice : MessageKind.File, fileId);
        counts.shared += 1;
      } else {
        counts.refused[answer.status] = (counts.refused[answer.status] ?? 0) + 1;
      }
    } catch {
      counts.failed += 1;
    }
  };
  const timer = setInterval(() => {
    const upload = uploadOne().finally(() => inFlight.delete(upload));
    inFlight.add(upload);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return counts;
    },
  };
}
