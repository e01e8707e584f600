import assert from "node:assert/strict";
import { demoSuite, guestName, openDemoPage, startAsGuest } from "../helpers/browser.ts";
import { Scrape } from "../helpers/metrics.ts";

describe("demo page: the guest challenge", function () {
  this.timeout(120_000);
  // The default difficulty, as a person meets it.
  const demo = demoSuite({ GUEST_CHALLENGE_MAX_NUMBER: "" });

  it("solves it in a Web Worker, showing its progress, and lets the guest in", async () => {
    const solvedBefore = (await Scrape.of(demo.server.baseUrl)).value("pairline_guest_challenge_solve_seconds_count", { source: "client" });
    const user = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [user];
    await user.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const bar = doc.getElementById("guest-progress");
      new (globalThis as any).MutationObserver(() => {
        if (!bar.hidden) doc.body.dataset.sawProgress = "yes";
      }).observe(bar, { attributes: true });
    });
    await startAsGuest(user, guestName("pow"));
    assert.equal(await user.page.evaluate(() => (globalThis as any).document.body.dataset.sawProgress), "yes", "the progress bar was shown");
    assert.equal(await user.page.locator("#guest-progress").isHidden(), true, "and hidden once done");
    const solvedAfter = (await Scrape.of(demo.server.baseUrl)).value("pairline_guest_challenge_solve_seconds_count", { source: "client" });
    assert.equal(solvedAfter - solvedBefore, 1, "the server checked one solution, timed by the page");
  });
});
