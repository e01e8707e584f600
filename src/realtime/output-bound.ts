import type WebSocket from "ws";

/**
 * Whether `ws` may still send `data`. Every frame the server sends (replies, errors,
 * notices, state patches, relays) asks first, so a client that stops reading cannot
 * make the server queue without end: a connection whose unsent output would pass
 * `limitBytes` is cut off. The socket is terminated at once, without a close frame (the
 * close frame would wait behind what the client does not read): the client sees 1006.
 */
export function withinOutputBound(ws: WebSocket, data: unknown, limitBytes: number, onCutOff: (unsentBytes: number, ws: WebSocket) => void): boolean {
  const unsent = ws.bufferedAmount + sizeOf(data);
  if (ws.readyState === ws.OPEN && unsent > limitBytes) {
    ws.terminate();
    onCutOff(unsent, ws);
  }
  return ws.readyState === ws.OPEN;
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
