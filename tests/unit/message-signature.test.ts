import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createMessageSigner, type SignedFields } from "../../src/users/message-signature.ts";

const message: SignedFields = { id: "m1", from: "alice", to: "bob", timestamp: "2023-11-14T22:13:20.000Z", type: "text", content: "hello" };

describe("relayed-message signatures", () => {
  it("verify for the message they were made for, and for nothing else", () => {
    const signer = createMessageSigner("secret");
    const signature = signer.sign(message);
    assert.ok(signer.verify(message, signature));
    assert.ok(!signer.verify({ ...message, content: "hellO" }, signature));
    assert.ok(!signer.verify({ ...message, to: "carol" }, signature));
    assert.ok(!createMessageSigner("other secret").verify(message, signature));
  });

  it("are the HMAC-SHA256 of the fields under the derived key, so every process and version agrees", () => {
    const key = createHmac("sha256", "secret").update("pairline:message-signature:v1").digest();
    const expected = createHmac("sha256", key)
      .update(JSON.stringify([message.id, message.from, message.to, message.timestamp, message.type, message.content]))
      .digest("base64url");
    assert.equal(createMessageSigner("secret").sign(message), expected);
  });
});
