import assert from "node:assert/strict";
import type { EntryLedger } from "../../src/auth/entry-ledger.ts";
import { memoryEntryLedger } from "../../src/auth/memory-entry-ledger.ts";
import { redisEntryLedger } from "../../src/auth/redis-entry-ledger.ts";
import { createLogger } from "../../src/logger/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";

function entryLedgerContract(open: () => EntryLedger): void {
  let ledger: EntryLedger;
  beforeEach(() => {
    ledger = open();
  });
  afterEach(() => ledger.close());
  const unique = (name: string) => `${name}-${process.hrtime.bigint()}`;

  it("lets a challenge be claimed once until it expires", async () => {
    const id = unique("challenge");
    assert.equal(await ledger.claim(id, Date.now() + 60_000), true);
    assert.equal(await ledger.claim(id, Date.now() + 60_000), false, "a replay");
    const brief = unique("brief");
    assert.equal(await ledger.claim(brief, Date.now() + 50), true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(await ledger.claim(brief, Date.now() + 60_000), true, "forgotten once expired");
  });

  it("counts strikes per key, answers the worst of several keys, and forgets them after the window", async () => {
    const [ip, device] = [unique("ip:"), unique("device:")];
    assert.equal(await ledger.strikes([ip, device]), 0);
    await ledger.strike([ip, device], 60_000);
    await ledger.strike([ip], 60_000);
    assert.equal(await ledger.strikes([ip]), 2);
    assert.equal(await ledger.strikes([device]), 1);
    assert.equal(await ledger.strikes([device, ip]), 2);
    assert.equal(await ledger.strikes([]), 0);
    const passing = unique("ip:");
    await ledger.strike([passing], 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(await ledger.strikes([passing]), 0);
  });
}

describe("EntryLedger contract: in memory", () => {
  entryLedgerContract(memoryEntryLedger);
});

describe("EntryLedger contract: Redis", function () {
  let redis: TestRedis;
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
  });
  after(() => redis?.stop());
  const logger = createLogger(loadConfig({ LOG_LEVEL: "silent" }));
  entryLedgerContract(() => redisEntryLedger({ url: redis.url }, logger));
});
