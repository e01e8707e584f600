import type http from "node:http";
import type { Socket } from "node:net";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { rememberClientAddresses } from "../../rooms/client-address.ts";
import { corkForThisTurn } from "./coalesced-writes.ts";
import { guardedSocketClass, type SocketRules } from "./guarded-socket.ts";
import { StaggeredHeartbeat } from "./staggered-heartbeat.ts";

export type GuardedTransportOptions = NonNullable<ConstructorParameters<typeof WebSocketTransport>[0]> & SocketRules;

/**
 * The ws transport, with what every connection is held to (see guarded-socket.ts). Also
 * closes every connection on demand (Colyseus closes a room's only after its leave
 * handlers ran). Its heartbeat pings a slice of the connections at a time, and a
 * handshake's answer leaves in one write with the room's first frames.
 */
export class GuardedWebSocketTransport extends WebSocketTransport {
  constructor({ outputBufferBytes, logs, logger, ...options }: GuardedTransportOptions) {
    super({ ...options, WebSocket: guardedSocketClass({ outputBufferBytes, logs, logger }) });
    rememberClientAddresses(this.wss);
  }

  /**
   * `ws` writes the 101 answer on its own; corked, it leaves with the join's frames sent in the
   * same turn. An upgrade a listener ahead of this one has already answered (ended) is left alone.
   */
  protected override listenForUpgrade(server: http.Server, filter?: (req: http.IncomingMessage) => boolean): void {
    server.on("upgrade", (_req: http.IncomingMessage, socket: Socket) => corkForThisTurn(socket));
    super.listenForUpgrade(server, (req) => !req.socket.writableEnded && (filter?.(req) ?? true));
  }

  protected override autoTerminateUnresponsiveClients(pingInterval: number, pingMaxRetries: number): void {
    this.pingInterval = new StaggeredHeartbeat(this.wss.clients, pingInterval, pingMaxRetries).start();
  }

  closeEveryConnection(code: number): void {
    for (const socket of this.wss.clients) {
      socket.close(code);
      setTimeout(() => socket.terminate(), 1000).unref();
    }
  }
}
