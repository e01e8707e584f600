import assert from "node:assert/strict";
import { createLogger } from "../../src/logger/index.ts";
import type { MessageBudget } from "../../src/presence/message-budget.ts";
import type { OnlineTable } from "../../src/presence/online-table.ts";
import { OnlineUsers } from "../../src/presence/online-users.ts";
import { openStores, type Stores } from "../../src/services/user-stores.ts";

const logger = createLogger({ isProduction: false, log: { level: "silent", dir: "/tmp", console: false } });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const LEASE_MS = 2000;
export const GRACE_MS = 300;

/** The online table as several processes see it: each call is one more process sharing the same table. */
export interface SharedTable {
  /** A table for one more process (for Redis: its own connection to the same server). */
  forProcess(): OnlineTable;
}

/** Every store write the trackers made, in order. */
type Writes = Array<{ userId: string; online: boolean }>;

export function presenceContract(open: () => Promise<SharedTable>): void {
  let stores: Stores;
  let shared: SharedTable;
  let writes: Writes;
  const processes: OnlineUsers[] = [];
  const newProcess = () => {
    const online = new OnlineUsers(shared.forProcess(), stores.users, logger, { leaseMs: LEASE_MS, graceMs: GRACE_MS });
    processes.push(online);
    return online;
  };
  const newUsers = (count: number) =>
    Promise.all(Array.from({ length: count }, (_, i) => stores.users.create({ username: `u${i}-${Math.random()}`, email: null, passwordHash: null, isGuest: true })));
  const ids = async (online: OnlineUsers) => (await online.page(0, 100)).ids;
  const stored = async (userId: string) => (await stores.users.findById(userId))!;
  /** `late` holds a user alone and one shared with `other`, then stops renewing until its lease ran out. */
  const lateLapsed = async () => {
    const [other, late] = [newProcess(), newProcess()];
    const [user, shared] = await newUsers(2);
    await late.connected(user!.id);
    await late.connected(shared!.id);
    await other.connected(shared!.id);
    await wait(LEASE_MS + 50);
    await other.renew();
    return { other, late, user: user!, shared: shared! };
  };

  beforeEach(async () => {
    stores = await openStores({ databaseFile: ":memory:" });
    writes = [];
    const setOnline = stores.users.setOnline.bind(stores.users);
    stores.users.setOnline = (userId, online, at) => {
      writes.push({ userId, online });
      return setOnline(userId, online, at);
    };
    shared = await open();
    processes.length = 0;
  });
  afterEach(() => stores.close());

  it("a user is online while any process holds a connection, and the store hears of coming online once", async () => {
    const [lobby, chat] = [newProcess(), newProcess()];
    const [user] = await newUsers(1);
    await lobby.connected(user!.id);
    await chat.connected(user!.id);
    await lobby.disconnected(user!.id);
    assert.deepEqual(await ids(chat), [user!.id]);
    assert.equal(await chat.count(), 1);
    await wait(GRACE_MS + 50);
    assert.deepEqual(await lobby.expire(), []);
    assert.deepEqual(await ids(lobby), [user!.id], "still online: the chat holds a connection");
    await wait(20);
    assert.deepEqual(writes, [{ userId: user!.id, online: true }]);
    assert.equal((await stored(user!.id)).isOnline, true);
  });

  it("a hand-off that closes the lobby before the chat connects never shows the user offline", async () => {
    const [lobby, chat] = [newProcess(), newProcess()];
    const [user] = await newUsers(1);
    await lobby.connected(user!.id);
    await lobby.disconnected(user!.id);
    assert.deepEqual(await ids(chat), [user!.id], "within the grace");
    assert.equal(await chat.count(), 1);
    await chat.connected(user!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual([...(await lobby.expire()), ...(await chat.expire())], []);
    assert.deepEqual(await ids(lobby), [user!.id]);
    await wait(20);
    assert.deepEqual(writes, [{ userId: user!.id, online: true }], "no offline write, no second online write");
  });

  it("a user whose last connection closed goes offline after the grace; the store keeps when", async () => {
    const online = newProcess();
    const [user] = await newUsers(1);
    await online.connected(user!.id);
    await online.connected(user!.id);
    await online.disconnected(user!.id);
    await online.disconnected(user!.id);
    assert.equal(await online.count(), 1);
    await wait(GRACE_MS + 50);
    assert.deepEqual(await online.expire(), [user!.id]);
    assert.equal(await online.count(), 0);
    assert.deepEqual(await ids(online), []);
    await wait(20);
    const record = await stored(user!.id);
    assert.equal(record.isOnline, false);
    assert.ok(record.lastSeen && Date.now() - record.lastSeen.getTime() < 5000);
    assert.deepEqual(writes.map((w) => w.online), [true, false]);
  });

  it("a dead process's connections expire with its lease; users it shared with a live process stay", async () => {
    const [alive, dead] = [newProcess(), newProcess()];
    const [onlyDead, both, onlyAlive] = await newUsers(3);
    await dead.connected(onlyDead!.id);
    await dead.connected(both!.id);
    await alive.connected(both!.id);
    await alive.connected(onlyAlive!.id);
    assert.equal(await alive.count(), 3);
    for (let elapsed = 0; elapsed < LEASE_MS + 100; elapsed += LEASE_MS / 4) {
      await alive.renew();
      await wait(LEASE_MS / 4);
    }
    assert.deepEqual(await alive.expire(), [onlyDead!.id]);
    assert.deepEqual((await ids(alive)).sort(), [both!.id, onlyAlive!.id].sort());
    assert.equal(await alive.count(), 2);
    await alive.disconnected(both!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual(await alive.expire(), [both!.id], "the dead process's connection no longer counts");
    await wait(20);
    assert.equal((await stored(onlyDead!.id)).isOnline, false);
  });

  it("a process that comes back after its lease was taken puts its connections back, counting each once", async () => {
    const { other, late, user, shared } = await lateLapsed();
    assert.deepEqual(await other.expire(), [user!.id]);
    await late.disconnected(shared!.id); // taken back already: changes nothing
    await late.connected(shared!.id); // the lease lapsed: this puts everything back
    await late.renew();
    assert.deepEqual((await ids(other)).sort(), [user!.id, shared!.id].sort());
    await other.disconnected(shared!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual(await other.expire(), []);
    assert.equal(await other.count(), 2, "late still holds both");
    await late.disconnected(shared!.id);
    await late.disconnected(user!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual((await other.expire()).sort(), [user!.id, shared!.id].sort());
    assert.equal(await other.count(), 0);
  });

  it("a process whose lease lapsed before any sweep puts its connections back, and the sweep that follows counts each once", async () => {
    const { other, late, user, shared } = await lateLapsed();
    await late.renew(); // lapsed, not yet taken back: this puts everything back
    assert.deepEqual([...(await other.expire()), ...(await late.expire())], []);
    assert.equal(await other.count(), 2);
    await other.disconnected(shared!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual(await other.expire(), [], "late still holds both");
    await late.disconnected(shared!.id);
    await late.disconnected(user!.id);
    await wait(GRACE_MS + 50);
    assert.deepEqual((await other.expire()).sort(), [user!.id, shared!.id].sort());
    assert.equal(await other.count(), 0);
    await wait(20);
    assert.deepEqual(writes.filter((w) => w.online).length, 2, "nobody came online twice");
  });

  it("a user told how many are online on connecting is counted, with everyone who came before", async () => {
    const [a, b] = [newProcess(), newProcess()];
    const users = await newUsers(4);
    assert.equal(await a.connectedAndCounted(users[0]!.id), 1);
    assert.equal(await b.connectedAndCounted(users[0]!.id), 1, "the same user on another process");
    const together = await Promise.all(users.slice(1).map((u) => a.connectedAndCounted(u.id)));
    assert.ok(together.every((n, i) => n >= i + 2 && n <= 4), `counts ${together} for three joining at once`);
    assert.equal(await b.connectedAndCounted(users[3]!.id), 4);
  });

  it("pages cover every online user once, longest online first, with the total", async () => {
    const [a, b] = [newProcess(), newProcess()];
    const users = await newUsers(25);
    for (const [i, user] of users.entries()) {
      await (i % 2 ? a : b).connected(user.id);
      await wait(2);
    }
    const pages = [await a.page(0, 10), await b.page(10, 10), await a.page(20, 10), await a.page(30, 10)];
    assert.deepEqual(pages.map((p) => p.total), [25, 25, 25, 25]);
    assert.deepEqual(pages.map((p) => p.ids.length), [10, 10, 5, 0]);
    assert.deepEqual(pages.flatMap((p) => p.ids), users.map((u) => u.id));
  });

  it("many connections expiring at once are taken offline in batches, all of them", async () => {
    const [alive, dead] = [newProcess(), newProcess()];
    const users = await newUsers(1200);
    await Promise.all(users.map((u) => dead.connected(u.id)));
    assert.equal(await alive.count(), 1200);
    await wait(LEASE_MS + 50);
    assert.equal((await alive.expire()).length, 1200);
    assert.equal(await alive.count(), 0);
  });
}

/** One budget per process; every call to `forProcess` is one more process sharing the same budget. */
export function messageBudgetContract(forProcess: (perMinute: number) => MessageBudget, sharedAcrossProcesses: boolean): void {
  const spend = async (budget: MessageBudget, userId: string, times: number) => {
    let allowed = 0;
    for (let i = 0; i < times; i++) if (await budget.take(userId)) allowed += 1;
    return allowed;
  };

  it("allows a user the budget, then refuses, while another user keeps theirs", async () => {
    const budget = forProcess(30);
    assert.equal(await spend(budget, "flooder", 50), 30);
    assert.equal(await budget.take("flooder"), false);
    assert.equal(await spend(budget, "calm", 5), 5);
  });

  it("lets a burst through up to the budget, the first ones first", async () => {
    const budget = forProcess(30);
    const burst = async (count: number) => Promise.all(Array.from({ length: count }, () => budget.take("burster")));
    assert.deepEqual(await burst(25), Array(25).fill(true));
    assert.deepEqual(await burst(10), [...Array(5).fill(true), ...Array(5).fill(false)]);
  });

  it("gives the budget back with time", async () => {
    const budget = forProcess(600);
    const started = Date.now();
    const burst = await spend(budget, "eager", 700);
    const refilled = ((Date.now() - started) * 10) / 1000;
    assert.ok(burst >= 600 && burst <= 601 + refilled, `${burst} messages in a burst, at 600 a minute`);
    await wait(500);
    const back = await spend(budget, "eager", 20);
    assert.ok(back >= 2 && back <= 8, `${back} messages after 500 ms at 10 per second`);
  });

  if (sharedAcrossProcesses) {
    it("one user's budget is shared by the processes that hold their connections", async () => {
      const [first, second] = [forProcess(40), forProcess(40)];
      const early = await spend(first, "hopper", 25);
      const later = await spend(second, "hopper", 40);
      const last = await spend(first, "hopper", 40);
      assert.equal(early, 25);
      const total = early + later + last;
      assert.ok(total >= 40 && total <= 41, `${early} + ${later} + ${last} messages out of a budget of 40`);
    });
  }
}
