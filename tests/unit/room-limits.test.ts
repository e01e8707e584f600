import assert from "node:assert/strict";
import { PendingFrames } from "../../rooms/pending-frames.ts";
import { TokenBucket } from "../../src/presence/token-bucket.ts";

describe("a connection's message budget", () => {
  it("allows a burst of the per-minute budget, then refills at that rate", () => {
    const start = 0;
    const bucket = new TokenBucket(60, start);
    for (let i = 0; i < 60; i++) assert.equal(bucket.take(start), true);
    assert.equal(bucket.take(start), false, "the 61st in the same instant is refused");
    assert.equal(bucket.take(start + 500), false, "half a token is not enough");
    assert.equal(bucket.take(start + 1000), true, "one per second comes back");
    assert.equal(bucket.take(start + 1000), false);
    assert.equal(bucket.take(start + 10 * 60_000), true);
  });
});

describe("messages held for a dropped partner", () => {
  it("are delivered in order, bounded in count", () => {
    const pending = new PendingFrames(2, 1000);
    assert.equal(pending.push(Buffer.from("one")), true);
    assert.equal(pending.push(Buffer.from("two")), true);
    assert.equal(pending.push(Buffer.from("three")), false);
    assert.deepEqual(pending.drain().map(String), ["one", "two"]);
    assert.deepEqual(pending.drain(), [], "drained once");
  });

  it("are bounded in bytes, and the budget frees when drained", () => {
    const pending = new PendingFrames(100, 10);
    assert.equal(pending.push(Buffer.alloc(6)), true);
    assert.equal(pending.push(Buffer.alloc(5)), false);
    assert.equal(pending.push(Buffer.alloc(4)), true);
    pending.drain();
    assert.equal(pending.push(Buffer.alloc(10)), true);
  });
});
