import { CloseCode, Protocol, type Client } from "@colyseus/core";

/** The frames a Colyseus client may send to a room; anything else is not a client speaking our protocol. */
const CLIENT_FRAME_CODES = new Set<number>([
  Protocol.JOIN_ROOM,
  Protocol.LEAVE_ROOM,
  Protocol.ROOM_DATA,
  Protocol.ROOM_DATA_BYTES,
  Protocol.PING,
  Protocol.ROOM_REQUEST,
]);

/**
 * Closes a connection (4002) that sends a frame no client could have produced. Colyseus
 * would ignore it silently; closing keeps the cost of garbage with its sender. Frames
 * that start well but do not decode are closed by Colyseus itself.
 */
export function closeOnForeignFrames(client: Client): void {
  client.ref.on("message", (data: Buffer) => {
    if (data.length === 0 || !CLIENT_FRAME_CODES.has(data[0]!)) client.leave(CloseCode.WITH_ERROR);
  });
}
