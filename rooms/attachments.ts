import { RoomErrorCode, type ChatClientMessage, type ChatClientPayload, type ErrorPayload } from "./protocol.ts";

type ChatMessage = ChatClientPayload<typeof ChatClientMessage.Message>;

/**
 * Decides whether a file or voice message may be relayed. This is where the `fileId`
 * will be checked against the uploads of this chat; until uploads exist, none is accepted.
 */
export async function refuseAttachment(_message: ChatMessage, _roomId: string): Promise<ErrorPayload | undefined> {
  return { code: RoomErrorCode.Unsupported, message: "File and voice messages are not available yet" };
}
