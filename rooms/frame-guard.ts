import { Protocol } from "@colyseus/core";

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
 * Whether a frame could come from a Colyseus client. Colyseus ignores any other silently;
 * the transport closes its connection (4002), which keeps the cost of garbage with its
 * sender. Frames that start well but do not decode are closed by Colyseus itself.
 */
export function isClientFrame(data: Buffer): boolean {
  return data.length > 0 && CLIENT_FRAME_CODES.has(data[0]!);
}
