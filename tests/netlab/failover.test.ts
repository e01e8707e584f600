import assert from "node:assert/strict";
import { Lab } from "./lab.ts";
import { requireNetworkNamespaces } from "./skip.ts";

describe("netlab: Redis with Sentinel loses its primary", function () {
  this.timeout(300_000);
  let lab: Lab | undefined;

  before(async function () {
    requireNetworkNamespaces(this);
    lab = await Lab.start({ apps: 2, sentinel: true });
  });

  after(async () => {
    await lab?.stop();
  });

  it("matchmaking answers 503 for a few seconds, then the promoted replica serves without a restart; live chats lose nothing", async () => {
    const { code, output } = await lab!.runScenario("failover.ts");
    for (const line of output.split("\n").filter((l) => l.startsWith("netlab: "))) console.log(`      ${line}`);
    for (const app of ["app1", "app2"]) {
      assert.doesNotMatch(lab!.output(app), /Connection is closed/, `${app} kept every Redis connection (one ended for good)`);
    }
    assert.equal(code, 0, `${output}\n--- app1:\n${lab!.output("app1").slice(-6000)}\n--- app2:\n${lab!.output("app2").slice(-6000)}`);
  });
});
