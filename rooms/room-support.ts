import { OnMessageException, ServerError, type RoomException, type RoomMethodName } from "@colyseus/core";
import type { Logger } from "../src/logger/index.ts";
import { sendRoomError, type RoomClient } from "./inbound.ts";
import { RoomErrorCode } from "./protocol.ts";
import type { MessageBudget } from "../src/presence/index.ts";

/** Logs a failure inside a room; a failed message handler also tells its sender. The process carries on. */
export function reportRoomException(logger: Logger, roomName: string, error: RoomException, method: RoomMethodName): void {
  if ((error as Error).cause instanceof ServerError) {
    // A refusal the room threw on purpose (e.g. a chat created without the lobby): the client's mistake, not a failure.
    logger.warn("Room refused a request", { room: roomName, method, error: error.message });
    return;
  }
  logger.error("Room handler failed", { room: roomName, method, error: error.message, stack: error.stack });
  if (error instanceof OnMessageException && error.client) {
    sendRoomError(error.client as RoomClient, RoomErrorCode.INTERNAL_ERROR, "Something went wrong handling that message");
  }
}

/** Sets up what a fresh connection carries: a way to spend its user's message budget (shared by all their connections). */
export function initConnection(client: RoomClient, budget: MessageBudget): void {
  const userId = client.auth!.id;
  client.userData ??= { spend: () => budget.take(userId) };
}
