import assert from "node:assert/strict";
import { developmentDemoSuite, openDemoPage, watchCspViolations } from "../helpers/browser.ts";

describe("Colyseus playground in development, in a real browser", function () {
  this.timeout(120_000);
  const demo = developmentDemoSuite();

  it("lists the lobby and chat rooms under the site's CSP, with no violation", async () => {
    const developer = await openDemoPage(demo.browser, `${demo.server.baseUrl}/playground/`);
    demo.users = [developer];
    const violations = await watchCspViolations(developer.page);

    // The room picker is a <select>: its options are the rooms the server defines.
    await developer.page.locator('option[value="lobby"]').first().waitFor({ state: "attached", timeout: 60_000 });
    assert.ok((await developer.page.locator('option[value="chat"]').count()) > 0);
    assert.deepEqual(violations, []);
  });
});
