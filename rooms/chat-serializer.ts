import { SchemaSerializer } from "@colyseus/core";
import type { ChatState } from "./state.ts";

let sharedHandshake: Uint8Array | undefined;

/**
 * Colyseus opens every join with the state's type reflection, and encodes it once per
 * room: for chat rooms, once per pair, the costliest step of opening a chat. Every chat
 * room has the same state types, hence the same bytes, so this serializer encodes them
 * once per process and shares them.
 */
export class ChatSerializer extends SchemaSerializer<ChatState> {
  override handshake(): Uint8Array {
    sharedHandshake ??= super.handshake();
    return sharedHandshake;
  }
}
