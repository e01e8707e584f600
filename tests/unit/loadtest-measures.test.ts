import assert from "node:assert/strict";
import { heldApart } from "../../loadtest/bots/commands.ts";
import { readSendTime, textWithSendTime } from "../../loadtest/bots/text-payload.ts";
import { LatencyHistogram } from "../../loadtest/metrics/histogram.ts";
import { maskProfanity } from "../../rooms/text-mask.ts";

describe("load-test measurements", () => {
  it("percentiles of 1..1000 ms are within 1% of the exact nearest rank", () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    for (const [percent, exact] of [[50, 500], [95, 950], [99, 990]] as const) {
      const got = histogram.percentile(percent);
      assert.ok(got >= exact && got <= exact * 1.01, `p${percent}: ${got} for ${exact}`);
    }
    assert.equal(histogram.percentile(100), 1000);
  });

  it("is exact to 0.01 ms under a millisecond, and never reports more than the largest sample", () => {
    const histogram = new LatencyHistogram();
    for (const ms of [0.25, 0.5, 0.75]) histogram.record(ms);
    assert.equal(histogram.percentile(50), 0.51);
    assert.equal(histogram.percentile(99), 0.75);
  });

  it("merging the halves gives the percentiles of the whole", () => {
    const whole = new LatencyHistogram();
    const [a, b] = [new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 0; i < 2000; i++) {
      const ms = (i * 7919) % 300;
      whole.record(ms);
      (i % 2 ? a : b).record(ms);
    }
    const merged = LatencyHistogram.from(a.toJSON()).merge(b.toJSON());
    assert.deepEqual(merged.summary(), whole.summary());
  });

  it("a chat text carries its window and send time to the receiver", () => {
    const before = Date.now();
    const text = textWithSendTime(7, 64);
    const after = Date.now();
    assert.equal(text.length, 64);
    const stamped = readSendTime(text)!;
    assert.equal(stamped.window, 7);
    // on the wall clock every process shares, to within its millisecond resolution
    assert.ok(stamped.sentAt >= before - 3 && stamped.sentAt <= after + 3, `${stamped.sentAt} not in [${before}, ${after}]`);
    assert.equal(readSendTime("hello: there"), undefined);
  });

  it("the send time survives a moderated chat's profanity masking, whatever its digits", () => {
    const sendTimes = [1796224961541.455, ...Array.from({ length: 20_000 }, (_, i) => 1.7e12 + i * 7_919.123 + (i % 1000) / 1000)];
    for (const [i, sentAt] of sendTimes.entries()) {
      const text = textWithSendTime(i % 12, 64, sentAt);
      assert.deepEqual(readSendTime(maskProfanity(text)), { window: i % 12, sentAt: Number(sentAt.toFixed(3)) }, text);
    }
  });

  it("a churn's stranded clients are held apart only when each was the other's last partner", () => {
    assert.equal(heldApart([{ userId: "a", lastPartnerId: "b" }, { userId: "b", lastPartnerId: "a" }]), 2);
    assert.equal(heldApart([{ userId: "a", lastPartnerId: "b" }, { userId: "b", lastPartnerId: "c" }]), 0, "b waits for someone else");
    assert.equal(heldApart([{ userId: "a", lastPartnerId: "b" }]), 0, "b is seated: a waits for no reason of the cooldown");
    assert.equal(heldApart([{ userId: "a" }, { userId: "b", lastPartnerId: "a" }, { userId: "c", lastPartnerId: "d" }, { userId: "d", lastPartnerId: "c" }]), 2);
  });
});
