import assert from "node:assert/strict";
import { AppError } from "../../src/errors/index.ts";
import type { Stores } from "../../src/services/user-stores.ts";
import type { UserStore } from "../../src/users/store.ts";

let sequence = 0;
function newUser(overrides: Partial<{ username: string; email: string | null; isGuest: boolean }> = {}) {
  sequence += 1;
  const tag = `c${process.pid}_${sequence}_${Math.random().toString(36).slice(2, 7)}`;
  return {
    username: overrides.username ?? tag,
    email: overrides.email === undefined ? `${tag}@example.com` : overrides.email,
    passwordHash: overrides.isGuest ? null : "$2b$04$abcdefghijklmnopqrstuuMBmVwBsr0hPKYuzyOc8mSlqZ7p3t2fi",
    isGuest: overrides.isGuest ?? false,
  };
}

async function rejectsWithConflict(promise: Promise<unknown>, field: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, "a conflict is reported as an AppError");
    assert.equal(error.status, 409);
    assert.deepEqual(error.details, [{ field, message: "already taken" }]);
    return true;
  });
}

/** The behaviour every UserStore implementation must have; run by each store's test file. */
export function userStoreContract(open: () => Promise<Stores>) {
  let stores: Stores;
  let store: UserStore;
  beforeEach(async () => {
    stores = await open();
    store = stores.users;
  });
  afterEach(async () => {
    await stores.close();
  });

  it("creates a user and finds it by id, email and username", async () => {
    const input = newUser();
    const created = await store.create(input);
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.equal(created.isOnline, false);
    assert.equal(created.lastSeen, null);
    assert.ok(created.createdAt instanceof Date);
    for (const found of [
      await store.findById(created.id),
      await store.findByEmail(input.email!),
      await store.findByUsername(input.username),
    ]) {
      assert.ok(found);
      assert.equal(found.id, created.id);
      assert.equal(found.username, input.username);
      assert.equal(found.email, input.email);
      assert.equal(found.passwordHash, input.passwordHash);
      assert.equal(found.createdAt.getTime(), created.createdAt.getTime());
    }
  });

  it("finds nothing for unknown or malformed ids", async () => {
    assert.equal(await store.findById("0123456789abcdef01234567"), null);
    assert.equal(await store.findById("not-an-id"), null);
    assert.equal(await store.findByEmail("nobody@example.com"), null);
    assert.equal(await store.findByUsername("nobody_here"), null);
  });

  it("treats emails and usernames as unique regardless of case", async () => {
    const first = await store.create(newUser());
    await rejectsWithConflict(store.create(newUser({ email: first.email!.toUpperCase() })), "email");
    await rejectsWithConflict(store.create(newUser({ username: first.username.toUpperCase() })), "username");
    assert.equal((await store.findByUsername(first.username.toUpperCase()))?.id, first.id);
  });

  it("allows any number of users without an email (guests)", async () => {
    const a = await store.create(newUser({ email: null, isGuest: true }));
    const b = await store.create(newUser({ email: null, isGuest: true }));
    assert.notEqual(a.id, b.id);
    assert.equal((await store.findById(a.id))?.isGuest, true);
    assert.equal((await store.findById(a.id))?.passwordHash, null);
  });

  it("records online state and last seen", async () => {
    const user = await store.create(newUser());
    const at = new Date(Date.now() - 1000);
    await store.setOnline(user.id, true, at);
    let found = await store.findById(user.id);
    assert.equal(found?.isOnline, true);
    assert.equal(found?.lastSeen?.getTime(), at.getTime());
    await store.setOnline(user.id, false, new Date(at.getTime() + 500));
    found = await store.findById(user.id);
    assert.equal(found?.isOnline, false);
    assert.equal(found?.lastSeen?.getTime(), at.getTime() + 500);
  });

  it("records everyone offline at once, keeping when each was last seen", async () => {
    const [a, b] = [await store.create(newUser()), await store.create(newUser())];
    const at = new Date(Date.now() - 1000);
    await store.setOnline(a.id, true, at);
    await store.setEveryoneOffline();
    const found = await store.findById(a.id);
    assert.equal(found?.isOnline, false);
    assert.equal(found?.lastSeen?.getTime(), at.getTime());
    assert.equal((await store.findById(b.id))?.lastSeen, null);
  });

  it("keeps the latest online state when an older one is recorded late (two processes writing)", async () => {
    const user = await store.create(newUser());
    const at = new Date(Date.now() - 1000);
    await store.setOnline(user.id, true, at);
    await store.setOnline(user.id, false, new Date(at.getTime() - 200));
    const found = await store.findById(user.id);
    assert.equal(found?.isOnline, true);
    assert.equal(found?.lastSeen?.getTime(), at.getTime());
  });

  it("deletes a user, once", async () => {
    const user = await store.create(newUser());
    const before = await store.count();
    assert.equal(await store.delete(user.id), true);
    assert.equal(await store.delete(user.id), false);
    assert.equal(await store.findById(user.id), null);
    assert.equal(await store.count(), before - 1);
  });

  it("purges only guests created before the cutoff", async () => {
    const guest = await store.create(newUser({ email: null, isGuest: true }));
    const member = await store.create(newUser());
    const cutoff = new Date(Date.now() + 1000);
    const purged = await store.deleteGuestsCreatedBefore(cutoff);
    assert.ok(purged >= 1);
    assert.equal(await store.findById(guest.id), null);
    assert.ok(await store.findById(member.id));
    assert.equal(await store.deleteGuestsCreatedBefore(new Date(0)), 0);
  });

  it("keeps a banned guest through the purge until the ban ends", async () => {
    const guest = await store.create(newUser({ email: null, isGuest: true }));
    await stores.safety.ban(guest.id, new Date(Date.now() + 60_000), "spam", "admin");
    await store.deleteGuestsCreatedBefore(new Date(Date.now() + 1000));
    assert.ok(await store.findById(guest.id), "the banned guest is kept");
    await stores.safety.unban(guest.id);
    await store.deleteGuestsCreatedBefore(new Date(Date.now() + 1000));
    assert.equal(await store.findById(guest.id), null);
  });

  it("answers ping while open and fails once closed", async () => {
    await store.ping();
    await stores.close();
    await assert.rejects(store.ping());
  });
}
