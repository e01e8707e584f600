import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import { startHousekeeping } from "../../src/realtime/housekeeping.ts";
import { MemoryOnlineTable } from "../../src/presence/memory-online-table.ts";
import { OnlineUsers } from "../../src/presence/online-users.ts";
import { createLogger } from "../../src/logger/index.ts";
import { openStores, type Stores } from "../../src/services/user-stores.ts";

const LEASE_MS = 300;
const logger = createLogger({ isProduction: false, log: { level: "silent", dir: "/tmp", console: false } });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two "processes" sharing one presence, as two Pairline processes share Redis. */
function process(presence: LocalPresence, table: MemoryOnlineTable, stores: Stores) {
  return {
    online: new OnlineUsers(table, stores.users, logger, { leaseMs: LEASE_MS, graceMs: 100 }),
  };
}

describe("presence leases", () => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await openStores({ databaseFile: ":memory:" });
  });
  afterEach(() => stores.close());

  it("a process that stops renewing loses its users from online, and the store hears of it", async () => {
    const presence = new LocalPresence();
    const table = new MemoryOnlineTable();
    const alive = process(presence, table, stores);
    const crashed = process(presence, table, stores);
    const ghost = await stores.users.create({ username: "ghost", email: null, passwordHash: null, isGuest: true });
    const steady = await stores.users.create({ username: "steady", email: null, passwordHash: null, isGuest: true });

    await crashed.online.connected(ghost.id);
    await alive.online.connected(steady.id);
    assert.equal(await alive.online.count(), 2);
    await wait(20);
    assert.equal((await stores.users.findById(ghost.id))?.isOnline, true);

    // The crashed process renews nothing from now on; the live one keeps renewing.
    for (let i = 0; i < 4; i++) {
      await wait(LEASE_MS / 3);
      await alive.online.renew();
    }
    await alive.online.expire();

    assert.deepEqual((await alive.online.page(0, 10)).ids, [steady.id]);
    assert.equal(await alive.online.count(), 1);
    await wait(20);
    assert.equal((await stores.users.findById(ghost.id))?.isOnline, false);
    assert.equal((await stores.users.findById(steady.id))?.isOnline, true);
  });

  it("a task marked once runs in one process per period, however many run the timer", async () => {
    const presence = new LocalPresence();
    let runs = 0;
    const task = { name: "count", everyMs: 1000, once: true, run: async () => void runs++ };
    const stops = [startHousekeeping(presence, logger, [task]), startHousekeeping(presence, logger, [task])];
    await wait(2300);
    stops.forEach((stop) => stop());
    assert.equal(runs, 2, "two periods, one run each");
  });
});
