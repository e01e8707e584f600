import assert from "node:assert/strict";
import type { Pair, PairHandoff, QueueEntry, WaitingQueue } from "../../src/matchmaking/index.ts";
import type { QueueOptions } from "../../src/matchmaking/queue.ts";
import { queueEntry } from "../helpers/queue.ts";

export const WIDEN_MS = 5000;
const T0 = 1_000_000_000_000;

export const testQueueOptions = (overrides: Partial<QueueOptions> = {}): QueueOptions => ({
  widenAfterMs: WIDEN_MS,
  leaseMs: 1000,
  claimTimeoutMs: 2000,
  window: 16,
  passLimit: 64,
  ...overrides,
});

/** Opens queues that share one backend, as processes share a Redis; each call to `backend()` is a fresh, empty one. */
export type QueueBackend = () => { process(options?: Partial<QueueOptions>): WaitingQueue };

const names = (pairs: Pair[]) => pairs.map(([a, b]) => [a.userId, b.userId]);
const partnerOf = (pairs: Pair[], userId: string) => {
  for (const [a, b] of pairs) {
    if (a.userId === userId) return b.userId;
    if (b.userId === userId) return a.userId;
  }
  return undefined;
};
const at = (userId: string, since: number, overrides: Partial<QueueEntry> = {}) => queueEntry(userId, { since, ...overrides });

export function waitingQueueContract(open: QueueBackend): void {
  let queue: WaitingQueue;
  let backend: ReturnType<QueueBackend>;
  const queues: WaitingQueue[] = [];
  const processQueue = (options?: Partial<QueueOptions>) => {
    const q = backend.process(options);
    queues.push(q);
    return q;
  };
  beforeEach(() => {
    backend = open();
    queue = processQueue();
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it("pairs a newcomer with someone waiting at once, and both leave the queue once the hand-off is confirmed", async () => {
    const first = await queue.enqueue([at("a", T0)], T0);
    assert.deepEqual(first.pairs, []);
    assert.deepEqual(first.outcomes, [{ status: "queued", waiting: 1 }]);
    const second = await queue.enqueue([at("b", T0 + 10)], T0 + 10);
    assert.deepEqual(names(second.pairs), [["b", "a"]]);
    assert.equal(second.pairs[0]![1].sessionId, "s-a", "the entry comes back whole");
    assert.equal(await queue.size(), 2, "claimed, not yet handed off");
    assert.deepEqual(await queue.page(0, 10), { users: [], total: 0 }, "a claimed user is no longer listed as available");
    for (const user of ["a", "b"]) {
      assert.equal(await queue.pause(user, `s-${user}`), "claimed", `${user} dropping during the hand-off`);
      assert.equal(await queue.cancel(user, `s-${user}`), false, `${user} cancelling during the hand-off`);
      assert.equal((await queue.resume(user, `s-${user}`)).status, "claimed", `${user} back during the hand-off`);
    }
    await queue.confirm(second.pairs[0]!);
    assert.equal(await queue.size(), 0);
  });

  it("never pairs a user with themselves: a second session is refused, the same one is a no-op", async () => {
    await queue.enqueue([at("a", T0)], T0);
    const again = await queue.enqueue([at("a", T0 + 1, { sessionId: "other" }), at("a", T0 + 2)], T0 + 2);
    assert.deepEqual(again.outcomes.map((o) => o.status), ["busy", "queued"]);
    assert.deepEqual(again.pairs, []);
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS * 2), []);
  });

  it("never pairs users who avoid each other, whichever side holds the avoidance; a third meets one of them", async () => {
    await queue.enqueue([at("a", T0, { avoidUserIds: ["b"] })], T0);
    assert.deepEqual((await queue.enqueue([at("b", T0 + 1)], T0 + 1)).pairs, []);
    const other = backend.process();
    queues.push(other);
    await other.enqueue([at("x", T0 + 2)], T0 + 2).then(async ({ pairs }) => {
      assert.equal(pairs.length, 1);
      assert.ok(["a", "b"].includes(pairs[0]![1].userId));
    });
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS * 2), [], "widening never lifts an avoidance");
  });

  it("among equally good candidates drawn at random, never one the user avoids", async () => {
    for (let round = 0; round < 10; round++) {
      const others = Array.from({ length: 9 }, (_, i) => `r${round}-b${i}`);
      const batch = [at(`r${round}-x`, T0 + round, { avoidUserIds: others.slice(0, 8) }), ...others.map((id) => at(id, T0 + round))];
      const { pairs } = await queue.enqueue(batch, T0 + round);
      assert.equal(partnerOf(pairs, `r${round}-x`), others[8], `round ${round}`);
      assert.equal(pairs.length, 5, "nobody left over for the next round");
    }
  });

  it("a block made while both wait with narrow preferences takes effect at once: never paired, even after widening; others are", async () => {
    await queue.enqueue([at("a", T0, { preferences: { language: "en" } }), at("b", T0 + 1, { preferences: { language: "fr" } })], T0 + 1);
    await queue.avoid("a", "b");
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS + 10), [], "widened, but blocked");
    const { pairs } = await queue.enqueue([at("c", T0 + WIDEN_MS + 20, { preferences: { language: "en" } })], T0 + WIDEN_MS + 20);
    assert.deepEqual(names(pairs), [["c", "a"]]);
    const late = T0 + 3 * WIDEN_MS;
    const rest = await queue.enqueue([at("d", late - WIDEN_MS)], late);
    assert.deepEqual(names(rest.pairs), [["d", "b"]]);
  });

  it("a block made before the blocked user enqueues holds too, and an unblock lifts it", async () => {
    await queue.avoid("a", "b");
    await queue.enqueue([at("a", T0)], T0);
    assert.deepEqual((await queue.enqueue([at("b", T0 + 1)], T0 + 1)).pairs, []);
    await queue.unavoid("a", "b");
    assert.deepEqual(names(await queue.matchWaiting(T0 + WIDEN_MS + 1)), [["a", "b"]]);
  });

  it("never pairs users of different pools, not even after widening; each meets someone of their own", async () => {
    const adult = { queue: "adult", pool: "adult" } as const;
    await queue.enqueue([at("m1", T0), at("a1", T0 + 1, adult)], T0 + 1);
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS * 3), [], "widening never crosses pools");
    const other = processQueue();
    const { pairs } = await other.enqueue([at("a2", T0 + 2, adult), at("m2", T0 + 3)], T0 + WIDEN_MS * 3);
    assert.deepEqual(names(pairs).map((pair) => pair.sort()), [["a1", "a2"], ["m1", "m2"]]);
    await queue.enqueue([at("en", T0, { preferences: { language: "en" } }), at("en-adult", T0 + 1, { ...adult, preferences: { language: "en" } })], T0 + 1);
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS * 3), [], "matching preferences never cross pools either");
  });

  it("narrows by language, interests and country at first, then widens", async () => {
    await queue.enqueue([at("en", T0, { preferences: { language: "en" } })], T0);
    assert.deepEqual((await queue.enqueue([at("fr", T0 + 1, { preferences: { language: "fr" } })], T0 + 1)).pairs, []);
    assert.deepEqual(await queue.matchWaiting(T0 + WIDEN_MS - 10), [], "nobody has widened yet");
    assert.deepEqual(names(await queue.matchWaiting(T0 + WIDEN_MS + 1)), [["en", "fr"]], "anyone will do after the wait");

    await queue.enqueue([at("cats", T0, { preferences: { interests: ["cats", "music"] } })], T0);
    assert.deepEqual((await queue.enqueue([at("chess", T0 + 1, { preferences: { interests: ["chess"] } })], T0 + 1)).pairs, []);
    assert.deepEqual(names((await queue.enqueue([at("music", T0 + 2, { preferences: { interests: ["music"] } })], T0 + 2)).pairs), [["music", "cats"]]);

    await queue.enqueue([at("seeker", T0 + 3, { preferences: { country: "GB" } })], T0 + 3);
    assert.deepEqual((await queue.enqueue([at("unknown", T0 + 4)], T0 + 4)).pairs.map((p) => p[1].userId), ["chess"], "an unknown country is not GB");
    assert.deepEqual(names((await queue.enqueue([at("brit", T0 + 5, { country: "GB" })], T0 + 5)).pairs), [["brit", "seeker"]]);
  });

  it("prefers a partner whose preferences match over one allowed only by widening", async () => {
    const late = T0 + WIDEN_MS + 100;
    await queue.enqueue([at("fr", T0, { preferences: { language: "fr" } }), at("en", T0 + 1, { preferences: { language: "en" } })], T0 + 1);
    const { pairs } = await queue.enqueue([at("en2", late - WIDEN_MS, { preferences: { language: "en" } })], late);
    assert.deepEqual(names(pairs), [["en2", "en"]]);
  });

  it("serves those already waiting before newcomers of the same batch", async () => {
    for (let round = 0; round < 10; round++) {
      backend = open();
      const q = processQueue();
      await q.enqueue([at("a", T0, { avoidUserIds: ["b"] }), at("b", T0 + 1)], T0 + 1);
      const { pairs } = await q.enqueue([at("c", T0 + 10), at("d", T0 + 11)], T0 + 11);
      assert.deepEqual(pairs.map(([, partner]) => partner.userId).sort(), ["a", "b"]);
    }
  });

  it("a newcomer meets the longest-waiting user it suits, whichever bucket they wait in", async () => {
    await queue.enqueue([at("seeker", T0, { country: "US", preferences: { country: "GB" } })], T0);
    await queue.enqueue([at("american", T0 + 1, { country: "US" })], T0 + 1);
    const { pairs } = await queue.enqueue([at("briton", T0 + 2, { country: "GB" })], T0 + 2);
    assert.deepEqual(names(pairs), [["briton", "seeker"]]);
    const next = await queue.enqueue([at("x", T0 + 3), at("y", T0 + 4)], T0 + 4);
    assert.deepEqual(names(next.pairs), [["x", "american"]], "the one waiting before the batch, not a batch-mate");
  });

  it("picks at random among equally good candidates: newcomers who arrive together, the widened", async () => {
    const firstPartners = new Set<string>();
    const widenedPartners = new Set<string>();
    for (let round = 0; round < 40 && (firstPartners.size < 2 || widenedPartners.size < 2); round++) {
      backend = open();
      const q = processQueue();
      const { pairs } = await q.enqueue(["a", "b", "c", "d"].map((id, i) => at(id, T0 + i)), T0 + 4);
      firstPartners.add(partnerOf(pairs, "a")!);
      await q.enqueue([at("en", T0, { preferences: { language: "en" } })], T0);
      await q.enqueue(["fr", "de"].map((language, i) => at(language, T0 + 1 + i, { preferences: { language }, avoidUserIds: ["fr", "de"] })), T0 + 2);
      widenedPartners.add(partnerOf(await q.matchWaiting(T0 + WIDEN_MS + 10), "en")!);
    }
    assert.ok(firstPartners.size >= 2, `always the same partner: ${[...firstPartners]}`);
    assert.ok(widenedPartners.size >= 2, `always the same widened partner: ${[...widenedPartners]}`);
  });

  it("200 users asking at once, in batches and from two processes, form 100 pairs with nobody twice", async () => {
    const other = processQueue();
    const users = Array.from({ length: 200 }, (_, i) => at(`u${i}`, T0 + i));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, k) => (k % 2 ? other : queue).enqueue(users.slice(k * 25, k * 25 + 25), T0 + 200)),
    );
    const pairs = results.flatMap((r) => r.pairs);
    assert.equal(pairs.length, 100);
    const everyone = pairs.flat().map((e) => e.userId);
    assert.equal(new Set(everyone).size, 200);
    for (const [a, b] of pairs) assert.equal(partnerOf(pairs, b.userId), a.userId);
  });

  it("cancels only the session's own entry, and never a claimed one", async () => {
    await queue.enqueue([at("a", T0)], T0);
    assert.equal(await queue.cancel("a", "someone-else"), false);
    assert.equal(await queue.cancel("a", "s-a"), true);
    assert.equal(await queue.size(), 0);
    await queue.enqueue([at("b", T0)], T0);
    const { pairs } = await queue.enqueue([at("c", T0 + 1)], T0 + 1);
    assert.equal(await queue.cancel("b", "s-b"), false, "already matched");
    await queue.confirm(pairs[0]!);
  });

  it("a paused entry is not matched, and on resuming keeps its place ahead of those who came meanwhile", async () => {
    await queue.enqueue([at("w", T0)], T0);
    assert.equal(await queue.pause("w", "s-w"), "paused");
    assert.deepEqual((await queue.enqueue([at("n1", T0 + 10)], T0 + 10)).pairs, [], "nobody to meet while w is away");
    assert.equal(await queue.pause("w", "other"), "absent");
    const back = await queue.resume("w", "s-w", T0 + 20);
    assert.equal(back.status, "queued");
    assert.deepEqual(names(back.pairs), [["w", "n1"]]);
    await queue.confirm(back.pairs[0]!);

    await queue.enqueue([at("x", T0 + 30)], T0 + 30);
    await queue.pause("x", "s-x");
    await queue.enqueue([at("y", T0 + 40)], T0 + 40);
    await queue.resume("x", "s-x", T0 + 41).then(({ pairs }) => pairs.forEach((p) => queue.release(p)));
    const listed = await queue.page(0, 10);
    assert.deepEqual(listed.users.map((u) => u.id), ["x", "y"], "x is still ahead of y");
  });

  it("lists waiting users longest-waiting first, one bounded page at a time", async () => {
    await queue.enqueue(["c", "a", "b"].map((id, i) => at(id, T0 + [30, 10, 20][i]!, { avoidUserIds: ["a", "b", "c"] })), T0 + 30);
    assert.deepEqual((await queue.page(0, 2)).users.map((u) => u.id), ["a", "b"]);
    assert.deepEqual(await queue.page(2, 2), { users: [{ id: "c", username: "c", since: T0 + 30 }], total: 3 });
    assert.equal(await queue.size(), 3);
    for (const [offset, except, ids] of [[0, "a", ["b"]], [1, "a", ["c"]], [0, "b", ["a"]], [1, "b", ["c"]], [0, "c", ["a"]], [1, "c", ["b"]], [1, "z", ["b"]]] as const) {
      const { users, total } = await queue.page(offset, 1, except);
      assert.deepEqual(users.map((u) => u.id), ids, `page ${offset} without ${except}`);
      assert.equal(total, except === "z" ? 3 : 2);
    }
  });

  it("the entries of a process that stops renewing leave the queue; the live process's stay", async () => {
    const crashed = processQueue();
    await crashed.enqueue([at("ghost", T0, { avoidUserIds: ["steady"] })], T0);
    await queue.enqueue([at("steady", T0 + 1)], T0 + 1);
    for (let t = T0 + 300; t <= T0 + 1500; t += 300) {
      await queue.renew(t);
      await queue.sweep(t);
    }
    assert.deepEqual((await queue.page(0, 10)).users.map((u) => u.id), ["steady"]);
    assert.equal(await queue.size(), 1);
  });

  it("a pair claimed at once whose process dies before the hand-off leaves the queue with that process's lease", async () => {
    const crashed = processQueue();
    const { pairs } = await crashed.enqueue([at("p", T0), at("q", T0)], T0);
    assert.equal(pairs.length, 1);
    await queue.renew(T0 + 600);
    await queue.sweep(T0 + 600);
    assert.deepEqual(await queue.page(0, 10), { users: [], total: 0 }, "claimed: not listed as waiting");
    await queue.enqueue([at("r", T0 + 700)], T0 + 700);
    for (let t = T0 + 900; t <= T0 + 2100; t += 300) {
      await queue.renew(t);
      await queue.sweep(t);
    }
    assert.deepEqual((await queue.page(0, 10)).users.map((u) => u.id), ["r"], "neither came back once the claim ran out");
    assert.deepEqual((await queue.enqueue([at("s", T0 + 2500)], T0 + 2500)).pairs.map(([a, b]) => [a.userId, b.userId]), [["s", "r"]]);
  });

  it("a claimed pair whose hand-off never comes goes back to the queue, in its place; a released pair at once", async () => {
    await queue.enqueue([at("a", T0)], T0);
    const { pairs } = await queue.enqueue([at("b", T0 + 1)], T0 + 1);
    assert.equal(pairs.length, 1);
    await queue.renew(T0 + 900);
    await queue.sweep(T0 + 1500);
    assert.deepEqual(await queue.page(0, 10), { users: [], total: 0 }, "still within the hand-off time");
    await queue.renew(T0 + 1800);
    await queue.sweep(T0 + 2100);
    assert.deepEqual((await queue.page(0, 10)).users.map((u) => u.id), ["a", "b"], "back, in their places");
    const again = await queue.enqueue([at("c", T0 + 2200)], T0 + 2200);
    assert.equal(again.pairs.length, 1);
    await queue.release(again.pairs[0]!);
    assert.equal((await queue.page(0, 10)).total, 3);
  });
}

export function pairHandoffContract(open: () => PairHandoff): void {
  it("hands a pair to exactly one taker, and nothing for an unknown or malformed key", async () => {
    const handoff = open();
    const users: [{ id: string; username: string }, { id: string; username: string }] = [
      { id: "a", username: "alice" },
      { id: "b", username: "bob" },
    ];
    const key = await handoff.record(users);
    const taken = await Promise.all([handoff.take(key), handoff.take(key)]);
    assert.deepEqual(taken.filter(Boolean), [users]);
    assert.equal(await handoff.take("guess"), undefined);
    assert.equal(await handoff.take({ toString: () => key }), undefined);
    assert.equal(await handoff.take("x".repeat(65)), undefined);
  });

  it("remembers each one's recent partner for a while", async () => {
    const handoff = open();
    await handoff.rememberPartners("a", "b", 1);
    assert.equal(await handoff.recentPartner("a"), "b");
    assert.equal(await handoff.recentPartner("b"), "a");
    assert.equal(await handoff.recentPartner("c"), undefined);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await handoff.recentPartner("a"), undefined);
  });
}
