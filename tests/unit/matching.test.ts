import assert from "node:assert/strict";
import { defaultPairingRules, pickPairs } from "../../src/realtime/pairing-rules.ts";
import type { QueueEntry } from "../../src/realtime/queue.ts";
import { queueEntry } from "../helpers/queue.ts";

const WIDEN_MS = 5000;
const NOW = 1_000_000;
const rules = defaultPairingRules(WIDEN_MS);

const waiting = (userId: string, overrides: Partial<QueueEntry> = {}) =>
  queueEntry(userId, { since: NOW - 100, ...overrides });

const names = (pairs: Array<[QueueEntry, QueueEntry]>) => pairs.map(([a, b]) => [a.userId, b.userId]);

describe("matching: who is paired with whom", () => {
  it("pairs the longest-waiting first, and nobody twice", () => {
    const pairs = pickPairs(
      [waiting("c", { since: NOW - 10 }), waiting("a", { since: NOW - 30 }), waiting("b", { since: NOW - 20 })],
      rules,
      NOW,
    );
    assert.deepEqual(names(pairs), [["a", "b"]]);
  });

  it("pairs a crowd in waiting order, each with the next one free", () => {
    const crowd = Array.from({ length: 6 }, (_, i) => waiting(`u${i}`, { since: NOW - 100 + i })).reverse();
    assert.deepEqual(names(pickPairs(crowd, rules, NOW)), [["u0", "u1"], ["u2", "u3"], ["u4", "u5"]]);
  });

  it("never pairs a user with themselves (two windows)", () => {
    assert.deepEqual(pickPairs([waiting("a"), waiting("a", { sessionId: "other" })], rules, NOW), []);
  });

  it("never pairs users who avoid each other, whichever side holds the avoidance", () => {
    assert.deepEqual(pickPairs([waiting("a", { avoidUserIds: ["b"] }), waiting("b")], rules, NOW), []);
    assert.deepEqual(pickPairs([waiting("a"), waiting("b", { avoidUserIds: ["a"] })], rules, NOW), []);
    const pairs = pickPairs([waiting("a", { avoidUserIds: ["b"] }), waiting("b"), waiting("c")], rules, NOW);
    assert.deepEqual(names(pairs), [["a", "c"]]);
  });

  it("narrows by language, interests and country at first, then widens", () => {
    const english = waiting("en", { preferences: { language: "en" } });
    const french = waiting("fr", { preferences: { language: "fr" } });
    assert.deepEqual(pickPairs([english, french], rules, NOW), []);
    const later = NOW + WIDEN_MS;
    assert.equal(pickPairs([english, french], rules, later).length, 1, "anyone will do after the wait");

    const cats = waiting("cats", { preferences: { interests: ["cats", "music"] } });
    const music = waiting("music", { preferences: { interests: ["music"] } });
    const chess = waiting("chess", { preferences: { interests: ["chess"] } });
    assert.deepEqual(names(pickPairs([cats, chess, music], rules, NOW)), [["cats", "music"]]);

    const wantsGb = waiting("seeker", { preferences: { country: "GB" } });
    assert.deepEqual(pickPairs([wantsGb, waiting("unknown")], rules, NOW), [], "an unknown country is not GB");
    assert.equal(pickPairs([wantsGb, waiting("brit", { country: "GB" })], rules, NOW).length, 1);
  });
});
