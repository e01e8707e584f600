import assert from "node:assert/strict";
import { SchemaSerializer } from "@colyseus/core";
import { ChatSerializer } from "../../rooms/chat-serializer.ts";
import { ChatState, Participant } from "../../rooms/state.ts";

function chatState(names: [string, string]): ChatState {
  const state = new ChatState();
  for (const name of names) state.participants.set(name, new Participant({ userId: name, username: name }));
  return state;
}

describe("the chat room serializer", () => {
  it("gives every chat the handshake Colyseus would have encoded for it, encoded once", () => {
    const plain = new SchemaSerializer<ChatState>();
    plain.reset(chatState(["ann", "bob"]));
    const [first, second] = [new ChatSerializer(), new ChatSerializer()];
    first.reset(chatState(["cid", "dee"]));
    second.reset(chatState(["eve", "fay"]));
    assert.deepEqual(Buffer.from(first.handshake()), Buffer.from(plain.handshake()));
    assert.equal(second.handshake(), first.handshake());
  });
});
