import type WebSocket from "ws";

/**
 * Cuts off a connection whose unsent output would pass `limitBytes`: every frame the
 * server sends (replies, errors, notices, state patches, relays) goes through the
 * socket's `send`, so a client that stops reading cannot make the server queue
 * without end. The socket is terminated at once, without a close frame (the close
 * frame would wait behind what the client does not read): the client sees 1006.
 */
export function boundOutput(ws: WebSocket, limitBytes: number, onCutOff: (unsentBytes: number) => void): void {
  const send = ws.send.bind(ws) as (data: unknown, options?: unknown, cb?: (error?: Error) => void) => void;
  ws.send = ((data: unknown, options?: unknown, cb?: (error?: Error) => void) => {
    const callback = typeof options === "function" ? (options as (error?: Error) => void) : cb;
    const unsent = ws.bufferedAmount + sizeOf(data);
    if (ws.readyState === ws.OPEN && unsent > limitBytes) {
      ws.terminate();
      onCutOff(unsent);
    }
    if (ws.readyState !== ws.OPEN) {
      if (callback) process.nextTick(callback, new Error("The connection was cut off"));
      return;
    }
    send(data, options, cb);
  }) as WebSocket["send"];
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
