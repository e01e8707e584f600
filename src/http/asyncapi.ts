import { z } from "zod";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  RoomErrorCode,
  RoomName,
  chatClientSchemas,
  lobbyClientSchemas,
  type ProtocolLimits,
} from "../../rooms/protocol.ts";
import { chatServerSchemas, lobbyServerSchemas } from "../../rooms/server-payloads.ts";

type JsonSchema = Record<string, unknown>;
type Direction = "client→server" | "server→client";

/**
 * zod's JSON Schema (draft-07, AsyncAPI's default schema format). A message that may be
 * sent without a body accepts `undefined`, which JSON Schema cannot say: that branch is dropped.
 */
function payloadSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const absent = "x-absent";
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    target: "draft-7",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === "undefined") (jsonSchema as JsonSchema)[absent] = true;
    },
  }) as JsonSchema;
  const present = (json.anyOf as JsonSchema[] | undefined)?.filter((branch) => !branch[absent]);
  if (!present || present.length === (json.anyOf as unknown[]).length) return json;
  const { anyOf: _all, ...rest } = json;
  return present.length === 1 ? { ...rest, ...present[0] } : { ...rest, anyOf: present };
}

/** `chat:message` → `chatMessage`: component keys allow letters, digits, `.`, `-` and `_` only. */
const keyOf = (...parts: string[]) =>
  parts.join(":").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase());

const ERROR_CODES = Object.values(RoomErrorCode).join(", ");

const ROOMS = {
  [RoomName.Lobby]: {
    description:
      "Join with the SDK's `client.joinOrCreate(\"lobby\")` (the JWT as `client.auth.token`). Send `user:match` to queue; " +
      "`user:matched` brings a seat reservation for a fresh `chat` room.",
    messages: [
      ...Object.values(LobbyClientMessage).map((name) => ({ name, direction: "client→server" as Direction, schema: lobbyClientSchemas[name] })),
      ...Object.values(LobbyServerMessage).map((name) => ({ name, direction: "server→client" as Direction, schema: lobbyServerSchemas[name] })),
    ],
  },
  [RoomName.Chat]: {
    description:
      "Join with `client.consumeSeatReservation(reservation)` from `user:matched`. Two members; messages are relayed " +
      "to the partner and stamped by the server. The room's state (participants, typing, call status) is Colyseus schema state.",
    messages: (limits: ProtocolLimits) => {
      const input = chatClientSchemas(limits);
      return [
        ...Object.values(ChatClientMessage).map((name) => ({ name, direction: "client→server" as Direction, schema: input[name] as z.ZodType })),
        ...Object.values(ChatServerMessage).map((name) => ({ name, direction: "server→client" as Direction, schema: chatServerSchemas[name] as z.ZodType })),
      ];
    },
  },
};

export interface AsyncApiInfo {
  title: string;
  version: string;
  description?: string;
  license: { name: string };
}

/**
 * The AsyncAPI 3 document of the realtime protocol, generated from `rooms/protocol.ts`: a
 * channel per room, every message in each direction with its payload schema, every error
 * code. The document describes the server: it `receive`s what clients send and `send`s the rest.
 */
export function asyncApiDocument(info: AsyncApiInfo, limits: ProtocolLimits) {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const rooms = [
    [RoomName.Lobby, ROOMS.lobby.description, ROOMS.lobby.messages],
    [RoomName.Chat, ROOMS.chat.description, ROOMS.chat.messages(limits)],
  ] as const;
  for (const [room, description, messages] of rooms) {
    const channelMessages: Record<string, unknown> = {};
    for (const { name, direction, schema } of messages) {
      const key = keyOf(name, direction === "client→server" ? "in" : "out");
      const isError = name === "error";
      channelMessages[key] = {
        name,
        title: `${name} (${direction})`,
        summary: isError ? `Error codes: ${ERROR_CODES}` : `${direction === "client→server" ? "Sent by a client" : "Sent by the server"} in the ${room} room`,
        payload: payloadSchema(schema, direction === "client→server" ? "input" : "output"),
      };
      const action = direction === "client→server" ? "receive" : "send";
      operations[keyOf(room, action, name)] = {
        action,
        title: `${room}: ${name}`,
        channel: { $ref: `#/channels/${room}` },
        messages: [{ $ref: `#/channels/${room}/messages/${key}` }],
      };
    }
    channels[room] = {
      address: "/{processId}/{roomId}",
      title: `The ${room} room`,
      description,
      parameters: {
        processId: { description: "The `processId` of the seat reservation" },
        roomId: { description: "The `roomId` of the seat reservation" },
      },
      messages: channelMessages,
    };
  }
  return {
    asyncapi: "3.0.0",
    info: {
      ...info,
      description:
        `${info.description ?? ""}\n\nEach message travels as Colyseus's ROOM_DATA frame (MessagePack) on the room's ` +
        "WebSocket: the SDK's `room.send(name, payload)` and `room.onMessage(name, handler)`. A payload that fails its " +
        "schema is answered with an `error` message (INVALID_PAYLOAD) and dropped; the connection stays open.",
    },
    defaultContentType: "application/msgpack",
    servers: {
      pairline: {
        host: "{host}",
        protocol: "ws",
        description: "The Pairline server (or the `publicAddress` of a seat reservation); `wss` behind TLS",
        variables: { host: { default: "localhost:3001", description: "Host and port of the server" } },
      },
    },
    channels,
    operations,
  };
}
