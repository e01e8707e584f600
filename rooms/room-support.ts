import { OnMessageException, type RoomException, type RoomMethodName } from "@colyseus/core";
import type { Logger } from "../src/logger/index.ts";
import { sendError, type RoomClient } from "./inbound.ts";
import { RoomErrorCode } from "./protocol.ts";
import { TokenBucket } from "./token-bucket.ts";

/** Logs a failure inside a room; a failed message handler also tells its sender. The process carries on. */
export function reportRoomException(logger: Logger, roomName: string, error: RoomException, method: RoomMethodName): void {
  logger.error("Room handler failed", { room: roomName, method, error: error.message, stack: error.stack });
  if (error instanceof OnMessageException && error.client) {
    sendError(error.client as RoomClient, RoomErrorCode.Internal, "Something went wrong handling that message");
  }
}

/** Sets up what a fresh connection carries: its message budget. */
export function initConnection(client: RoomClient, messagesPerMinute: number): void {
  client.userData ??= { bucket: new TokenBucket(messagesPerMinute) };
}
