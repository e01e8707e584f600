import type { Socket } from "node:net";

let corked: Socket[] = [];

function flush(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) socket.uncork();
}

/**
 * Frames sent to one connection during one turn of the event loop leave in one socket
 * write: its first frame corks the socket, and once every socket that was readable in
 * that turn has been handled (`setImmediate`), each corked socket is uncorked. `ws`
 * otherwise makes a system call per frame, and a relayed message, the partner's ack and a
 * state patch are three frames. Nothing waits longer than the turn that sent it. Called
 * before each frame is written.
 *
 * A socket already corked is left as it is: only this function corks sockets between
 * turns (`ws` corks and uncorks within one send), so it is on this turn's list. The
 * list is an array, not a set: a set emptied every turn grew its table again every turn.
 */
export function corkForThisTurn(socket: Socket | undefined): void {
  if (typeof socket?.cork !== "function" || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  if (corked.length === 0) setImmediate(flush);
  corked.push(socket);
}
