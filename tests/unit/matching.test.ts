import assert from "node:assert/strict";
import { storedEntry } from "../../src/matchmaking/entry.ts";
import { partnerTier, preferencesMatch } from "../../src/matchmaking/rules.ts";
import { queueEntry } from "../helpers/queue.ts";

const WIDEN_MS = 5000;
const NOW = 1_000_000;
const waiting = (userId: string, overrides: Parameters<typeof queueEntry>[1] = {}) => queueEntry(userId, { since: NOW - 100, ...overrides });

describe("matching: who may be paired with whom", () => {
  it("narrows by language, interests and country at first", () => {
    const english = waiting("en", { preferences: { language: "en" } });
    assert.equal(preferencesMatch(english, waiting("fr", { preferences: { language: "fr" } })), false);
    assert.equal(preferencesMatch(english, waiting("any")), true, "no language means any");
    const cats = waiting("cats", { preferences: { interests: ["cats", "music"] } });
    assert.equal(preferencesMatch(cats, waiting("music", { preferences: { interests: ["music"] } })), true);
    assert.equal(preferencesMatch(cats, waiting("chess", { preferences: { interests: ["chess"] } })), false);
    const wantsGb = waiting("seeker", { preferences: { country: "GB" } });
    assert.equal(preferencesMatch(wantsGb, waiting("unknown")), false, "an unknown country is not GB");
    assert.equal(preferencesMatch(waiting("brit", { country: "GB" }), wantsGb), true, "whichever side asks");
  });

  it("ranks a matching partner above one allowed only once both have waited long enough", () => {
    const en = waiting("en", { preferences: { language: "en" }, since: NOW - WIDEN_MS });
    assert.equal(partnerTier(en, waiting("en2", { preferences: { language: "en" } }), NOW, WIDEN_MS), 1);
    const fr = waiting("fr", { preferences: { language: "fr" } });
    assert.equal(partnerTier(en, fr, NOW, WIDEN_MS), 0, "only one of them has waited");
    assert.equal(partnerTier(en, { ...fr, since: NOW - WIDEN_MS }, NOW, WIDEN_MS), 2);
  });

  it("indexes an entry in the buckets its partners are looked for in, and looks in the narrowest of its own", () => {
    const stored = storedEntry(waiting("a", { country: "GB", preferences: { language: "en", interests: ["cats", "cats"], country: "FR" } }));
    assert.deepEqual(stored.b, ["all", "moderated|all", "moderated|lang:en", "moderated|int:cats", "moderated|from:GB"]);
    assert.deepEqual(stored.s, [
      ["moderated|from:FR"],
      ["moderated|lang:en", "moderated|lang:-", "moderated|plain"],
      ["moderated|int:cats", "moderated|int:-", "moderated|plain"],
    ]);
    assert.deepEqual(storedEntry(waiting("b", { queue: "adult", pool: "adult" })).s, [["adult|all"]], "every bucket is the pool's own");
    assert.equal("avoidUserIds" in stored.e, false, "avoidances are kept apart, as a set");
    assert.deepEqual(storedEntry(waiting("c")).b, ["all", "moderated|all", "moderated|plain"], "asking nothing: three buckets, not four");
    assert.deepEqual(storedEntry(waiting("d", { preferences: { language: "en" } })).b, ["all", "moderated|all", "moderated|lang:en", "moderated|int:-"]);
  });
});
