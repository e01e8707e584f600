import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { demoSuite, guestName, matchedPair, saveScreenshot, type PageUser } from "../helpers/browser.ts";
import { Scrape } from "../helpers/metrics.ts";
import { eventually } from "../helpers/eventually.ts";

function waitForCallState(page: Page, state: string) {
  return page.waitForFunction((expected) => (globalThis as any).pairline.call?.connectionState === expected, state, { timeout: 15_000 });
}

/** Video frames this side decoded from what the partner sends, per the peer connection's stats. */
async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stats = await (globalThis as any).pairline.call.peerConnection.getStats();
    let frames = 0;
    stats.forEach((report: any) => {
      if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded ?? 0;
    });
    return frames;
  });
}

async function waitForDecodedFrames(page: Page): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const frames = await framesDecoded(page);
    if (frames > 0) return frames;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return 0;
}

describe("demo page: a video call between two real browsers", function () {
  this.timeout(40_000);
  const demo = demoSuite();

  it("connects on both sides, each decodes the other's video, and hanging up ends it for both", async () => {
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, [guestName("alice"), guestName("bob")]));
    await alice.page.getByRole("button", { name: "Video call" }).click();
    await bob.page.getByText("Incoming video call").waitFor();
    await bob.page.getByRole("button", { name: "Accept" }).click();

    await Promise.all([waitForCallState(alice.page, "connected"), waitForCallState(bob.page, "connected")]);
    assert.ok((await waitForDecodedFrames(bob.page)) > 0, "the callee decoded no video frame");
    assert.ok((await waitForDecodedFrames(alice.page)) > 0, "the caller decoded no video frame");
    await bob.page.waitForFunction(() => (globalThis as any).document.getElementById("remote-video").videoWidth > 0);
    console.log(`      screenshot: ${await saveScreenshot(bob.page, "call")}`);
    await eventually(async () => {
      const calls = await Scrape.of(demo.server.baseUrl);
      assert.equal(calls.value("pairline_calls_total", { outcome: "direct" }), 1, "the caller reports one direct call");
    });

    await alice.page.getByRole("button", { name: "Hang up" }).click();
    await bob.page.getByText("The call ended.").waitFor();
    assert.equal(await bob.page.evaluate(() => (globalThis as any).pairline.call), null);
    assert.ok(await bob.page.getByRole("region", { name: "Call" }).isHidden());
  });

  it("without the ICE servers endpoint, a call still connects on one machine", async () => {
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, [guestName("alice"), guestName("bob")]));
    for (const user of demo.users) {
      await user.page.route("**/api/rtc/ice-servers", (route) =>
        route.fulfill({ status: 404, json: { success: false, code: "NOT_FOUND", message: "Not found" } }));
    }
    await alice.page.getByRole("button", { name: "Audio call" }).click();
    await bob.page.getByRole("button", { name: "Accept" }).click();
    await Promise.all(demo.users.map((user) => waitForCallState(user.page, "connected")));
    // The browser reports the refused request in its console; that is the point here.
    for (const user of demo.users) user.problems = user.problems.filter((problem) => !problem.includes("status of 404"));
  });

  it("when both call at the same moment, one of them rings and the call connects", async () => {
    demo.users = await matchedPair(demo.browser, demo.server.baseUrl, [guestName("alice"), guestName("bob")]);
    // Forced: if one offer arrives first after all, the other's button is already disabled by the ringing.
    await Promise.all(demo.users.map((user) => user.page.getByRole("button", { name: "Audio call" }).click({ force: true })));
    const accept = (user: PageUser) => user.page.getByRole("button", { name: "Accept" });
    const callee = await Promise.race(demo.users.map((user) => accept(user).waitFor().then(() => user)));
    await accept(callee).click();
    await Promise.all(demo.users.map((user) => waitForCallState(user.page, "connected")));
    assert.ok(await demo.users.find((user) => user !== callee)!.page.getByRole("button", { name: "Accept" }).isHidden());
  });
});
