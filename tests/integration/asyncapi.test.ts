import assert from "node:assert/strict";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  RoomErrorCode,
} from "../../rooms/protocol.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

describe("AsyncAPI document of the realtime protocol", () => {
  let server: TestServer;
  let document: any;
  before(async () => {
    server = await bootServer({ TEXT_MAX_LENGTH: "1234" });
    const res = await fetch(`${server.baseUrl}/api/asyncapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    document = await res.json();
  });
  after(() => server.stop());

  it("is a valid AsyncAPI 3 document for @asyncapi/parser: no error, no warning", async function () {
    this.timeout(60_000);
    assert.equal(document.asyncapi, "3.0.0");
    const { document: parsed, diagnostics } = await new Parser().parse(document);
    const problems = diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning)
      .map((d) => `${d.code}: ${d.message} at ${d.path.join("/")}`);
    assert.deepEqual(problems, []);
    assert.ok(parsed, "the parser gives a document");
    assert.deepEqual(parsed.channels().all().map((c) => c.id()).sort(), ["chat", "lobby"]);
  });

  /** The messages of a room's channel in one direction, by name (from the operations' action). */
  function messagesOf(room: string, action: "send" | "receive"): string[] {
    return Object.values(document.operations as Record<string, any>)
      .filter((op) => op.channel.$ref === `#/channels/${room}` && op.action === action)
      .flatMap((op) => op.messages.map((ref: { $ref: string }) => document.channels[room].messages[ref.$ref.split("/").pop()!].name))
      .sort();
  }

  it("has every message of rooms/protocol.ts, in its room and direction", () => {
    assert.deepEqual(messagesOf("lobby", "receive"), Object.values(LobbyClientMessage).sort());
    assert.deepEqual(messagesOf("lobby", "send"), Object.values(LobbyServerMessage).sort());
    assert.deepEqual(messagesOf("chat", "receive"), Object.values(ChatClientMessage).sort());
    assert.deepEqual(messagesOf("chat", "send"), Object.values(ChatServerMessage).sort());
  });

  it("lists every error code of the error message", () => {
    for (const room of ["lobby", "chat"]) {
      const error = Object.values(document.channels[room].messages as Record<string, any>).find((m) => m.name === "error");
      assert.deepEqual(error.payload.properties.code.enum.sort(), Object.values(RoomErrorCode).sort());
      assert.deepEqual(error.payload.required.sort(), ["code", "message"]);
    }
  });

  it("takes its payload schemas from the zod schemas, with this server's limits", () => {
    const message = document.channels.chat.messages.chatMessageIn.payload;
    assert.equal(message.properties.content.maxLength, 1234, "TEXT_MAX_LENGTH");
    assert.deepEqual(message.properties.type.enum, ["text", "file", "voice"]);
    const received = document.channels.chat.messages.chatMessageOut.payload;
    assert.ok(received.required.includes("signature") && received.required.includes("timestamp"));
    const leave = document.channels.chat.messages.chatLeaveIn.payload;
    assert.deepEqual(leave.anyOf, [{ type: "null" }, { type: "object", properties: {} }], "a body-less message: nothing, null or {}");
  });
});
