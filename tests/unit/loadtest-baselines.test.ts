import assert from "node:assert/strict";
import { LastPartners } from "../../loadtest/targets/last-partner.ts";

describe("load-test baselines", () => {
  it("a skip leads to the next stranger: the last partner is passed over, the one after taken", () => {
    const partners = new LastPartners();
    partners.paired("ann", "bob");
    const waiting = ["bob", "cid"];
    assert.equal(partners.takePartner(waiting, "ann", (id) => id), "cid");
    assert.deepEqual(waiting, ["bob"]);
    assert.equal(partners.takePartner(waiting, "ann", (id) => id), undefined);
    assert.equal(partners.takePartner(waiting, "dan", (id) => id), "bob");
  });

  it("only the last partner is remembered: after another chat, an earlier one may come up again", () => {
    const partners = new LastPartners();
    partners.paired("ann", "bob");
    partners.paired("ann", "cid");
    assert.equal(partners.takePartner(["bob"], "ann", (id) => id), "bob");
  });
});
