import type { Socket } from "node:net";

const corked = new Set<Socket>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * Frames sent to one connection during one turn of the event loop leave in one socket
 * write: its first frame corks the socket, and once every socket that was readable in
 * that turn has been handled (`setImmediate`), each corked socket is uncorked. `ws`
 * otherwise makes a system call per frame, and a relayed message, the partner's ack and a
 * state patch are three frames. Nothing waits longer than the turn that sent it. Called
 * before each frame is written.
 */
export function corkForThisTurn(socket: Socket | undefined): void {
  if (typeof socket?.cork !== "function" || corked.has(socket) || socket.destroyed) return;
  socket.cork();
  corked.add(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}
