import { errorCatalogue } from "../src/errors/catalogue.ts";
import { describeUpload, type UploadDescription } from "../src/uploads/describe.ts";
import type { ChatUploads } from "../src/uploads/lifetime.ts";
import { MessageKind, RoomErrorCode, type ChatClientMessage, type ChatClientPayload, type ErrorPayload } from "./protocol.ts";

type ChatMessage = ChatClientPayload<typeof ChatClientMessage.Message>;

export type AttachmentCheck = { attachment: UploadDescription } | { refusal: Omit<ErrorPayload, "type"> };

/**
 * A file or voice message may only point at an upload its sender made in this chat,
 * and of its own kind (a voice note carries a measured duration). What the partner
 * gets is described by the server, never taken from the message.
 */
export async function checkAttachment(
  uploads: Pick<ChatUploads, "get">,
  message: ChatMessage,
  roomId: string,
  senderId: string,
  /** A moderated chat: images the screening flagged are not delivered. */
  refuseSensitive = false,
): Promise<AttachmentCheck> {
  if (!message.fileId) {
    return { refusal: { code: RoomErrorCode.INVALID_PAYLOAD, message: "fileId: a file or voice message needs a fileId" } };
  }
  const upload = await uploads.get(message.fileId);
  if (!upload || upload.roomId !== roomId || upload.ownerId !== senderId) {
    return { refusal: { code: RoomErrorCode.UNKNOWN_FILE, message: errorCatalogue.UNKNOWN_FILE.message } };
  }
  const isVoiceNote = upload.duration !== null;
  if (isVoiceNote !== (message.type === MessageKind.Voice)) {
    const expected = isVoiceNote ? MessageKind.Voice : MessageKind.File;
    return { refusal: { code: RoomErrorCode.INVALID_PAYLOAD, message: `type: this upload is sent as a ${expected} message` } };
  }
  if (upload.sensitive && refuseSensitive) {
    return { refusal: { code: RoomErrorCode.IMAGE_REFUSED, message: "fileId: this image was flagged as sensitive and this chat is moderated" } };
  }
  return { attachment: describeUpload(upload) };
}
