import { WebSocketTransport } from "@colyseus/ws-transport";
import { rememberClientAddresses } from "../../rooms/client-address.ts";
import { guardedSocketClass, type SocketRules } from "./guarded-socket.ts";

export type GuardedTransportOptions = NonNullable<ConstructorParameters<typeof WebSocketTransport>[0]> & SocketRules;

/**
 * The ws transport, with what every connection is held to (see guarded-socket.ts). Also
 * closes every connection on demand (Colyseus closes a room's only after its leave
 * handlers ran).
 */
export class GuardedWebSocketTransport extends WebSocketTransport {
  constructor({ outputBufferBytes, logs, logger, ...options }: GuardedTransportOptions) {
    super({ ...options, WebSocket: guardedSocketClass({ outputBufferBytes, logs, logger }) });
    rememberClientAddresses(this.wss);
  }

  closeEveryConnection(code: number): void {
    for (const socket of this.wss.clients) {
      socket.close(code);
      setTimeout(() => socket.terminate(), 1000).unref();
    }
  }
}
