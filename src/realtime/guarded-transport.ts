import type http from "node:http";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type WebSocket from "ws";
import { rememberClientAddresses } from "../../rooms/client-address.ts";
import type { Logger } from "../logger/index.ts";
import { coalesceWrites } from "./coalesced-writes.ts";
import type { ConnectionLogs } from "./connection-logs.ts";
import { boundOutput } from "./output-bound.ts";
import { heardFrom, StaggeredHeartbeat } from "./staggered-heartbeat.ts";

export type GuardedTransportOptions = NonNullable<ConstructorParameters<typeof WebSocketTransport>[0]> & {
  /** Unsent bytes past which a connection is cut off (`OUTPUT_BUFFER_BYTES`). */
  outputBufferBytes: number;
  logs: ConnectionLogs;
  logger: Logger;
};

/**
 * The ws transport, with what every connection is held to: its unsent output is
 * bounded, and what its frames make the server log is budgeted. Also closes every
 * connection on demand (Colyseus closes a room's only after its leave handlers ran).
 * Its heartbeat pings a slice of the connections at a time.
 */
export class GuardedWebSocketTransport extends WebSocketTransport {
  constructor({ outputBufferBytes, logs, logger, ...options }: GuardedTransportOptions) {
    super(options);
    this.wss.prependListener("connection", (ws: WebSocket, request?: http.IncomingMessage) => {
      coalesceWrites(ws, request?.socket);
      boundOutput(ws, outputBufferBytes, (unsentBytes) =>
        logs.write(() => logger.warn("Cut off a client that stopped reading", { unsentBytes }), ws),
      );
      const emit = ws.emit.bind(ws);
      ws.emit = ((event: string, ...args: unknown[]) => {
        if (event !== "message") return emit(event, ...args);
        heardFrom(ws);
        return logs.during(ws, () => emit(event, ...args));
      }) as WebSocket["emit"];
      ws.once("close", () => logs.closed(ws));
    });
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
