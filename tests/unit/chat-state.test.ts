import assert from "node:assert/strict";
import { Decoder, Encoder } from "@colyseus/schema";
import { ChatState, Participant, useSmallStateBuffers } from "../../rooms/state.ts";

describe("chat room state", () => {
  it("encodes, largest names included, well inside the small buffers each chat room is given", () => {
    useSmallStateBuffers();
    const state = new ChatState();
    for (const id of ["a", "b"]) {
      const userId = `${id}${"0".repeat(35)}`;
      state.participants.set(userId, new Participant({ userId, username: "x".repeat(30), connected: true }));
    }
    state.call.assign({ status: "active", kind: "video" });
    const bytes = new Encoder(state).encodeAll();
    assert.ok(Encoder.BUFFER_SIZE <= 1024, `${Encoder.BUFFER_SIZE} bytes per buffer, two per chat room`);
    assert.ok(bytes.byteLength < Encoder.BUFFER_SIZE / 3, `${bytes.byteLength} bytes: less than three times to spare`);

    const copy = new ChatState();
    new Decoder(copy).decode(bytes);
    assert.deepEqual([...copy.participants.values()].map((p) => [p.username, p.connected]), [["x".repeat(30), true], ["x".repeat(30), true]]);
    assert.equal(copy.call.kind, "video");
  });
});
