import assert from "node:assert/strict";
import { Packr } from "msgpackr";
import { prng, randomBody, randomFrame, randomValue } from "./generators.ts";

const mix = { types: ["message", "typing"], closingShare: 0.04 };

describe("fuzz generators", () => {
  // Seeds whose objects once took a Buffer as prototype (through a `__proto__` key), then threw on a BigInt value.
  for (const seed of [17, 26, 52, 126, 361]) {
    it(`seed ${seed} yields 300 frames and request bodies`, () => {
      const rng = prng(seed);
      for (let i = 0; i < 300; i++) {
        assert.ok(Buffer.isBuffer(randomFrame(rng, mix)));
        randomBody(rng);
      }
    });
  }

  it("an object with a `__proto__` key carries it to the server as a plain key", () => {
    const rng = prng(0);
    const packr = new Packr({ useRecords: false });
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(rng);
      if (value && typeof value === "object" && Object.hasOwn(value, "__proto__")) {
        assert.ok(packr.pack(value).includes(Buffer.from("__proto__")));
        return;
      }
    }
    assert.fail("no object with a `__proto__` key in 5000 values");
  });
});
