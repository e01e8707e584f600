import assert from "node:assert/strict";
import { Lab } from "./lab.ts";
import { requireNetworkNamespaces } from "./skip.ts";

const DELAY_MS = 50;

describe("netlab: the Redis link slowed by 50 ms each way", function () {
  this.timeout(300_000);
  let lab: Lab | undefined;

  before(async function () {
    requireNetworkNamespaces(this);
    lab = await Lab.start({ apps: 2, redisDelayMs: DELAY_MS });
  });

  after(async () => {
    await lab?.stop();
  });

  it("users still pair, chat and skip; the latency it adds to matching and joining is printed", async () => {
    const { code, output } = await lab!.runScenario("slow-redis.ts");
    for (const line of output.split("\n").filter((l) => l.startsWith("netlab: "))) console.log(`      ${line}`);
    assert.equal(code, 0, `${output}\n--- app1:\n${lab!.output("app1").slice(-4000)}\n--- app2:\n${lab!.output("app2").slice(-4000)}`);
  });
});
