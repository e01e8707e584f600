import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import {
  demoSuite,
  guestName,
  matchUp,
  matchedPair,
  openDemoPage,
  saveScreenshot,
  startAsGuest,
  waitForState,
  type PageUser,
} from "../helpers/browser.ts";
import { registerUser } from "../helpers/http.ts";
import { FIRST_IMAGE_MS, png } from "../helpers/uploads.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Addresses the offline country database places in the United Kingdom and the United States. */
const LONDON = "81.2.69.142";
const MOUNTAIN_VIEW = "8.8.8.8";

describe("demo page: signing in and chatting in real browsers", function () {
  this.timeout(30_000);
  const demo = demoSuite({ TRUST_PROXY: "true" });

  it("is served with a policy that takes scripts and connections from the server itself only", async () => {
    const page = await fetch(`${demo.server.baseUrl}/`);
    assert.equal(page.status, 200);
    const policy = page.headers.get("content-security-policy") ?? "";
    assert.match(policy, /(^|;)script-src 'self'(;|$)/);
    assert.match(policy, /(^|;)connect-src 'self'(;|$)/);
    assert.match(policy, /(^|;)default-src 'self'(;|$)/);
    assert.doesNotMatch(await page.text(), /<script(?![^>]*\bsrc=)[^>]*>/, "an inline script");

    const sdk = await fetch(`${demo.server.baseUrl}/vendor/colyseus/colyseus.js`);
    assert.equal(sdk.status, 200);
    assert.match(sdk.headers.get("content-type") ?? "", /javascript/);
  });

  it("an account holder logs in with email and password, and a reload keeps them signed in", async () => {
    const account = await registerUser(demo.server.baseUrl);
    const user = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [user];
    await user.page.getByText("Log in with an account").click();
    await user.page.locator("#login-form").getByLabel("Email").fill(account.email);
    await user.page.locator("#login-form").getByLabel("Password").fill(account.password);
    await user.page.getByRole("button", { name: "Log in" }).click();
    await waitForState(user.page, "lobby");
    assert.equal(await user.page.locator("#username").textContent(), account.username);

    await user.page.reload();
    await waitForState(user.page, "lobby");
    assert.equal(await user.page.locator("#username").textContent(), account.username);
    await user.page.getByRole("button", { name: "Sign out" }).click();
    await waitForState(user.page, "signed-out");
    assert.ok(await user.page.getByRole("button", { name: "Start as a guest" }).isVisible());
  });

  it("two guests are matched, see each other's names, and chat both ways with typing and delivery ticks", async () => {
    const names: [string, string] = [guestName("alice"), guestName("bob")];
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, names));
    assert.equal(await alice.page.locator("#partner-name").textContent(), names[1]);
    assert.equal(await bob.page.locator("#partner-name").textContent(), names[0]);

    await alice.page.getByRole("textbox", { name: "Message" }).pressSequentially("hello ");
    await bob.page.getByText(`${names[0]} is typing…`).waitFor();
    await alice.page.getByRole("textbox", { name: "Message" }).pressSequentially("there, bob");
    await alice.page.getByRole("button", { name: "Send", exact: true }).click();
    const bobsMessages = bob.page.getByRole("list", { name: "Messages" });
    await bobsMessages.locator(".theirs").getByText("hello there, bob").waitFor();
    const sent = alice.page.locator(".mine", { hasText: "hello there, bob" });
    await sent.getByLabel("Delivered").waitFor();
    assert.equal(await bob.page.locator("#typing").textContent(), "");

    await bob.page.getByRole("textbox", { name: "Message" }).fill("hi alice!");
    await bob.page.getByRole("textbox", { name: "Message" }).press("Enter");
    await alice.page.locator(".theirs").getByText("hi alice!").waitFor();
    await bob.page.locator(".mine", { hasText: "hi alice!" }).getByLabel("Delivered").waitFor();

    console.log(`      screenshot: ${await saveScreenshot(alice.page, "chat")}`);
  });

  it("a file one sends is downloaded intact by the other, and a voice note plays", async function () {
    // The suite's first image: the server loads its screening model before it is delivered.
    this.timeout(FIRST_IMAGE_MS + 30_000);
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, [guestName("alice"), guestName("bob")]));
    const picture = png(96, 64);
    await alice.page.getByLabel("Attach a file").setInputFiles({ name: "gradient.png", mimeType: "image/png", buffer: picture });
    await alice.page.locator(".mine", { hasText: "gradient.png" }).getByLabel("Delivered").waitFor({ timeout: FIRST_IMAGE_MS });

    const downloading = bob.page.waitForEvent("download");
    await bob.page.getByRole("button", { name: "Download gradient.png" }).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), "gradient.png");
    assert.equal(sha256(fs.readFileSync(await download.path())), sha256(picture));
    await bob.page.getByRole("img", { name: "gradient.png" }).waitFor();

    const record = alice.page.getByRole("button", { name: "Record a voice note" });
    await record.click();
    await alice.page.getByText(/Recording… 1 s/).waitFor();
    await alice.page.getByRole("button", { name: "Stop and send the voice note" }).click();
    await alice.page.locator(".mine audio").waitFor();
    const voice = bob.page.locator(".theirs audio");
    await voice.waitFor();
    const playable = await voice.evaluate(
      (audio: any) =>
        new Promise<boolean>((resolve) => {
          if (audio.readyState >= 1 /* HAVE_METADATA */) return resolve(true);
          audio.addEventListener("loadedmetadata", () => resolve(true));
          audio.addEventListener("error", () => resolve(false));
        }),
    );
    assert.ok(playable, "the voice note cannot be played");

    console.log(`      screenshot: ${await saveScreenshot(bob.page, "chat-attachments")}`);
  });

  it("when one drops, the other sees them away and then back, and what was said meanwhile arrives", async () => {
    const names: [string, string] = [guestName("alice"), guestName("bob")];
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, names));
    await bob.page.waitForTimeout(5_500); // the SDK retries only connections that lived 5 s

    await bob.context.setOffline(true);
    await alice.page.getByText(`${names[1]}'s connection dropped; waiting for them to come back…`).waitFor();
    await bob.page.getByText("Connection lost; reconnecting…").waitFor();
    await alice.page.getByRole("textbox", { name: "Message" }).fill("are you still there?");
    await alice.page.getByRole("textbox", { name: "Message" }).press("Enter");
    await alice.page.locator(".mine", { hasText: "are you still there?" }).getByLabel("Delivered").waitFor();

    await bob.context.setOffline(false);
    await bob.page.locator(".theirs").getByText("are you still there?").waitFor({ timeout: 15_000 });
    await alice.page.waitForFunction(() => (globalThis as any).pairline.partnerPresence === "here");
    assert.equal(await alice.page.locator("#chat-status").textContent(), "");
    assert.equal(await bob.page.locator("#chat-status").textContent(), "");
    // Retries made while offline fail, and the browser says so in its console.
    bob.problems = bob.problems.filter((problem) => !problem.includes("net::ERR_INTERNET_DISCONNECTED"));
  });

  it("shows the partner's country when the partner shares it, and only then", async () => {
    demo.users = await Promise.all([LONDON, MOUNTAIN_VIEW].map((forwardedFor) => openDemoPage(demo.browser, demo.server.baseUrl, { forwardedFor })));
    const [briton, american] = demo.users as [PageUser, PageUser];
    await Promise.all([startAsGuest(briton, guestName("briton")), startAsGuest(american, guestName("american"))]);
    await briton.page.getByLabel("Show my country to strangers").check();
    await matchUp(demo.users);
    assert.equal(await american.page.locator("#partner-country").textContent(), "from United Kingdom");
    assert.equal(await briton.page.locator("#partner-country").textContent(), "");
  });

  it("a report quoting what the partner said is accepted, and blocking ends the chat", async () => {
    const names: [string, string] = [guestName("alice"), guestName("spammer")];
    const [alice, spammer] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, names));
    await spammer.page.getByRole("textbox", { name: "Message" }).fill("cheap pills at example.com");
    await spammer.page.getByRole("textbox", { name: "Message" }).press("Enter");
    await alice.page.locator(".theirs").getByText("cheap pills at example.com").waitFor();

    await alice.page.getByRole("button", { name: "Report" }).click();
    const dialog = alice.page.getByRole("dialog", { name: "Report this stranger" });
    await dialog.getByLabel("What happened?").selectOption("spam");
    await dialog.getByLabel("Details").fill("links to a shop");
    await dialog.getByRole("button", { name: "Send report" }).click();
    await alice.page.getByText("Thank you, your report was sent.").waitFor();
    const [aliceId, spammerId] = await Promise.all([alice, spammer].map((user) => user.page.evaluate(() => (globalThis as any).pairline.user.id)));
    const [filed] = await demo.server.services.safety.reportsAgainst(spammerId);
    assert.equal(filed?.category, "spam");
    assert.equal(filed?.reason, "links to a shop");
    assert.deepEqual(filed?.messages.map((m) => m.content), ["cheap pills at example.com"]);

    alice.page.once("dialog", (confirmation) => confirmation.accept());
    await alice.page.getByRole("button", { name: "Block" }).click();
    await alice.page.getByText(`You blocked ${names[1]}.`).waitFor();
    await waitForState(alice.page, "searching");
    await spammer.page.getByText("The stranger left the chat.").waitFor();
    assert.deepEqual(await demo.server.services.safety.blockedEitherWay(aliceId), [spammerId]);
    await alice.page.getByRole("button", { name: "Stop looking" }).click();
  });

  it("skip ends the chat for both: the skipper looks for someone new, the partner is told and is back in the lobby", async () => {
    const [alice, bob] = (demo.users = await matchedPair(demo.browser, demo.server.baseUrl, [guestName("alice"), guestName("bob")]));
    await alice.page.getByRole("button", { name: "Skip" }).click();

    await waitForState(alice.page, "searching");
    await alice.page.getByText("Looking for a stranger…").waitFor();
    await waitForState(bob.page, "lobby");
    await bob.page.getByText("The stranger left the chat.").waitFor();
    assert.ok(await bob.page.getByRole("button", { name: "Find a stranger" }).isVisible());
    assert.ok(await bob.page.getByRole("textbox", { name: "Message" }).isHidden());

    await alice.page.getByRole("button", { name: "Stop looking" }).click();
    await waitForState(alice.page, "lobby");
  });
});
