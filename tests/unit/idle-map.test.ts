import assert from "node:assert/strict";
import { IdleMap } from "../../src/presence/message-budget.ts";

describe("per-user values kept while used (message budgets)", () => {
  const MINUTE = 60_000;
  const make = (map: IdleMap<{ usedAt: number; n: number }>, key: string, now: number, made: string[]) =>
    map.use(key, now, () => (made.push(key), { usedAt: now, n: made.length }));

  it("keeps a user's value however long they keep using it", () => {
    const map = new IdleMap<{ usedAt: number; n: number }>();
    const made: string[] = [];
    const first = make(map, "steady", 0, made);
    for (let now = 0; now <= 10 * MINUTE; now += 50_000) assert.equal(make(map, "steady", now, made), first);
    assert.deepEqual(made, ["steady"]);
  });

  it("forgets a user unused for a minute while others go on, and gives them a fresh value", () => {
    const map = new IdleMap<{ usedAt: number; n: number }>();
    const made: string[] = [];
    const old = make(map, "gone", 0, made);
    for (let now = 0; now <= 3 * MINUTE; now += 10_000) make(map, "busy", now, made);
    const again = make(map, "gone", 3 * MINUTE, made);
    assert.notEqual(again, old);
    assert.deepEqual(made, ["gone", "busy", "gone"]);
  });

  it("never forgets a user used less than a minute ago", () => {
    const map = new IdleMap<{ usedAt: number; n: number }>();
    const made: string[] = [];
    for (let start = 0; start < 5 * MINUTE; start += 7_000) {
      const key = `user-${start}`;
      const value = make(map, key, start, made);
      for (let now = start; now < start + MINUTE; now += 5_000) make(map, "other", now, made);
      assert.equal(make(map, key, start + MINUTE - 1, made), value, `${key} used ${MINUTE - 1} ms ago`);
    }
  });
});
