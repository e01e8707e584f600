import assert from "node:assert/strict";
import { ChatClientMessage, chatClientSchemas } from "../../rooms/protocol.ts";

describe("chat message schemas", () => {
  it("are built once per text limit and shared by every chat room", () => {
    assert.equal(chatClientSchemas({ textMaxLength: 10 }), chatClientSchemas({ textMaxLength: 10 }));
    assert.notEqual(chatClientSchemas({ textMaxLength: 10 }), chatClientSchemas({ textMaxLength: 20 }));
  });

  it("each enforce their own text limit", () => {
    const text = { type: "text", content: "x".repeat(15) };
    assert.equal(chatClientSchemas({ textMaxLength: 10 })[ChatClientMessage.Message].safeParse(text).success, false);
    assert.equal(chatClientSchemas({ textMaxLength: 20 })[ChatClientMessage.Message].safeParse(text).success, true);
  });
});
