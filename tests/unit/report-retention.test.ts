import assert from "node:assert/strict";
import { purgeOldReports } from "../../src/realtime/housekeeping.ts";
import { openStores, type Stores } from "../../src/services/user-stores.ts";

describe("report retention: evidence is deleted with its report after the retention period", () => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await openStores({ databaseFile: ":memory:" });
  });
  afterEach(() => stores.close());

  const file = (reportedId: string) =>
    stores.safety.addReport({
      reporterId: "r".repeat(24),
      reportedId,
      category: "harassment",
      reason: "quoted",
      messages: [{ id: "m", from: reportedId, to: "r".repeat(24), timestamp: new Date().toISOString(), type: "text", content: "evidence", signature: "s" }],
      roomId: null,
      reporterIp: null,
      reporterDeviceId: null,
    });

  it("deletes every report older than the period, in batches, and keeps the younger ones", async () => {
    const old = await Promise.all(Array.from({ length: 1203 }, (_, i) => file(`old${String(i).padStart(21, "0")}`)));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const young = await file("y".repeat(24));
    assert.equal(await purgeOldReports(stores.safety, 30), 1203, "all the old ones, past several batches");
    assert.equal(await stores.safety.reportById(old[0]!.id), null);
    assert.deepEqual((await stores.safety.recentReports({ limit: 10 })).map((r) => r.id), [young.id]);
    assert.equal((await stores.safety.reportById(young.id))?.messages[0]?.content, "evidence");
  });
});
