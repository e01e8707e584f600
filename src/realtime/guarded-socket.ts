import type { Socket } from "node:net";
import { CloseCode } from "@colyseus/core";
import WebSocket from "ws";
import { isClientFrame } from "../../rooms/frame-guard.ts";
import type { Logger } from "../logger/index.ts";
import { corkForThisTurn } from "./coalesced-writes.ts";
import type { ConnectionLogs } from "./connection-logs.ts";
import { withinOutputBound } from "./output-bound.ts";
import { heardFrom } from "./staggered-heartbeat.ts";

export interface SocketRules {
  /** Unsent bytes past which a connection is cut off (`OUTPUT_BUFFER_BYTES`). */
  outputBufferBytes: number;
  logs: ConnectionLogs;
  logger: Logger;
}

type SendCallback = (error?: Error) => void;

/**
 * The class `ws` makes each accepted connection of (its server's `WebSocket` option, which
 * Bun's `ws` honours too): what every connection is held to, on the prototype, so that a
 * connection carries no wrapper closures of its own. Its unsent output is bounded, its
 * writes of one turn leave together, what its frames make the server log is budgeted, and a
 * frame no Colyseus client could send closes it.
 */
export function guardedSocketClass({ outputBufferBytes, logs, logger }: SocketRules): typeof WebSocket {
  const cutOff = (unsentBytes: number, socket: WebSocket) => logs.write(() => logger.warn("Cut off a client that stopped reading", { unsentBytes }), socket);
  return class GuardedSocket extends WebSocket {
    override send(data: Parameters<WebSocket["send"]>[0], options?: object | SendCallback, cb?: SendCallback): void {
      if (!withinOutputBound(this, data, outputBufferBytes, cutOff)) {
        const callback = typeof options === "function" ? options : cb;
        if (callback) process.nextTick(callback, new Error("The connection was cut off"));
        return;
      }
      corkForThisTurn((this as unknown as { _socket?: Socket })._socket);
      super.send(data, options as object, cb);
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === "close") logs.closed(this);
      if (event !== "message") return super.emit(event, ...args);
      heardFrom(this);
      const handled = logs.during(this, () => super.emit(event, ...args));
      if (!isClientFrame(args[0] as Buffer)) this.close(CloseCode.WITH_ERROR);
      return handled;
    }
  };
}
