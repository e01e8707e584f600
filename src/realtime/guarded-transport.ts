import { WebSocketTransport } from "@colyseus/ws-transport";
import { rememberClientAddresses } from "../../rooms/client-address.ts";
import { guardedSocketClass, type SocketRules } from "./guarded-socket.ts";
import { StaggeredHeartbeat } from "./staggered-heartbeat.ts";

export type GuardedTransportOptions = NonNullable<ConstructorParameters<typeof WebSocketTransport>[0]> & SocketRules;

/**
 * The ws transport, with what every connection is held to (see guarded-socket.ts). Also
 * closes every connection on demand (Colyseus closes a room's only after its leave
 * handlers ran). Its heartbeat pings a slice of the connections at a time.
 */
export class GuardedWebSocketTransport extends WebSocketTransport {
  constructor({ outputBufferBytes, logs, logger, ...options }: GuardedTransportOptions) {
    super({ ...options, WebSocket: guardedSocketClass({ outputBufferBytes, logs, logger }) });
    rememberClientAddresses(this.wss);
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
