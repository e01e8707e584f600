import assert from "node:assert/strict";
import { Lab } from "./lab.ts";
import { requireNetworkNamespaces } from "./skip.ts";

describe("netlab: three app hosts behind nginx, one cut off from the network", function () {
  this.timeout(300_000);
  let lab: Lab | undefined;

  before(async function () {
    requireNetworkNamespaces(this);
    lab = await Lab.start({ apps: 3 });
  });

  after(async () => {
    await lab?.stop();
  });

  it("its users see the drop and re-match elsewhere; back on the network it lists no ghost chats and takes chats again", async () => {
    const { code, output } = await lab!.runScenario("partition.ts");
    const figures = output.split("\n").filter((line) => line.startsWith("netlab: "));
    for (const line of figures) console.log(`      ${line}`);
    assert.equal(code, 0, `${output}\n--- app1:\n${lab!.output("app1").slice(-4000)}`);
  });
});
