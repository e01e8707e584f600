import type { Client } from "@colyseus/core";
import type { z } from "zod";
import { metrics } from "../src/metrics/index.ts";
import { errorCatalogue } from "../src/errors/catalogue.ts";
import { RoomErrorCode, type ErrorPayload } from "./protocol.ts";
import type { RoomClientShape } from "./deps.ts";

export type RoomClient = Client<RoomClientShape>;
type Schemas = Record<string, z.ZodType>;
export type Handlers<S extends Schemas> = {
  [K in keyof S]: (client: RoomClient, payload: z.output<S[K]>) => void | Promise<void>;
};

/** Sends an `error` to one client (the catalogue's message unless given one), and counts refusals of bad input and of floods. */
export function sendRoomError(client: RoomClient, code: RoomErrorCode, message: string = errorCatalogue[code].message, type?: string): void {
  if (code === RoomErrorCode.RATE_LIMITED) metrics.rateLimited("room_messages");
  else if (code === RoomErrorCode.INVALID_PAYLOAD || code === RoomErrorCode.UNKNOWN_TYPE) metrics.validationFailed("room");
  const payload: ErrorPayload = type === undefined ? { code, message } : { code, message, type };
  client.send("error", payload);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid payload";
  const where = issue.path.length > 0 ? issue.path.join(".") : "payload";
  return `${where}: ${issue.message}`.slice(0, 200);
}

/**
 * The single entry point for client messages, registered as the room's `"*"` handler
 * (no per-type schema is given to Colyseus, whose failed validation would disconnect).
 * Rate limit, then type, then payload: each refusal is an `error` to the sender only.
 */
export function createInbound<S extends Schemas>(schemas: S, handlers: Handlers<S>) {
  const handle = (client: RoomClient, type: unknown, payload: unknown, allowed: boolean): void | Promise<void> => {
    const typeName = typeof type === "string" ? type.slice(0, 64) : undefined;
    if (!allowed) {
      sendRoomError(client, RoomErrorCode.RATE_LIMITED, "Too many messages; this one was dropped", typeName);
      return;
    }
    if (typeName === undefined || !Object.hasOwn(schemas, typeName)) {
      sendRoomError(client, RoomErrorCode.UNKNOWN_TYPE, `Unknown message type "${typeName ?? String(type).slice(0, 64)}"`);
      return;
    }
    const parsed = schemas[typeName]!.safeParse(payload);
    if (!parsed.success) {
      sendRoomError(client, RoomErrorCode.INVALID_PAYLOAD, describe(parsed.error), typeName);
      return;
    }
    return handlers[typeName as keyof S]!(client, parsed.data as z.output<S[keyof S]>);
  };
  return (client: RoomClient, type: unknown, payload: unknown): void | Promise<void> => {
    const allowed = client.userData?.spend() ?? false;
    if (typeof allowed === "boolean") return handle(client, type, payload, allowed);
    // Only while the shared budget is being asked; later messages wait on the same answer, in order.
    return allowed.then((ok) => handle(client, type, payload, ok));
  };
}
