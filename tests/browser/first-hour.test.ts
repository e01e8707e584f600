import assert from "node:assert/strict";
import { demoSuite, guestName, matchUp, openDemoPage, saveScreenshot, startAsGuest, waitForState } from "../helpers/browser.ts";
import { newAccount, registerGuest } from "../helpers/http.ts";

const PHONE = { width: 390, height: 844 };

describe("demo page: the first hour of a new user", function () {
  this.timeout(120_000);
  const demo = demoSuite();

  it("the online figure stays live: it counts someone who arrives after you", async () => {
    const first = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [first];
    await startAsGuest(first, guestName("early"));
    const online = () => first.page.locator("#online").textContent();
    await first.page.waitForFunction(() => /^\d+ online$/.test((globalThis as any).document.getElementById("online").textContent));
    const before = Number.parseInt((await online())!, 10);

    const second = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users.push(second);
    await startAsGuest(second, guestName("late"));
    await first.page.waitForFunction(
      (n) => Number.parseInt((globalThis as any).document.getElementById("online").textContent, 10) === n,
      before + 1,
      { timeout: 40_000 },
    );
  });

  it("on a 390×844 phone, the composer of a live chat is in view, even after many messages", async () => {
    const phone = await openDemoPage(demo.browser, demo.server.baseUrl, { viewport: PHONE });
    const desk = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [phone, desk];
    await startAsGuest(phone, guestName("phone"));
    await startAsGuest(desk, guestName("desk"));
    await matchUp([phone, desk]);
    for (let i = 1; i <= 12; i++) {
      await desk.page.getByRole("textbox", { name: "Message" }).fill(`message number ${i}`);
      await desk.page.getByRole("textbox", { name: "Message" }).press("Enter");
    }
    await phone.page.locator(".theirs").getByText("message number 12").waitFor();

    const inView = async (selector: string) => {
      const box = await phone.page.locator(selector).boundingBox();
      assert.ok(box, `${selector} is rendered`);
      return box.y >= 0 && box.x >= 0 && box.y + box.height <= PHONE.height && box.x + box.width <= PHONE.width;
    };
    console.log(`      screenshot: ${await saveScreenshot(phone.page, "mobile-chat")}`);
    for (const selector of ["#composer", "#text", "#composer button[type=submit]", "#skip"]) {
      assert.ok(await inView(selector), `${selector} is within the 390×844 viewport`);
    }
    const scroll = await phone.page.evaluate(() => {
      const { scrollY, document } = globalThis as any;
      return { y: scrollY, height: document.documentElement.scrollHeight };
    });
    assert.deepEqual(scroll, { y: 0, height: PHONE.height }, "the page itself does not scroll: the transcript does");
    await phone.page.getByRole("textbox", { name: "Message" }).fill("typed on a phone");
    await phone.page.getByRole("button", { name: "Send", exact: true }).click();
    await desk.page.locator(".theirs").getByText("typed on a phone").waitFor();
  });

  it("after a skip, the searcher sees its place in the queue and why nobody is found", async () => {
    const names: [string, string] = [guestName("skipper"), guestName("skipped")];
    demo.users = await Promise.all(names.map(() => openDemoPage(demo.browser, demo.server.baseUrl)));
    const [skipper, skipped] = demo.users as [typeof demo.users[0], typeof demo.users[0]];
    await startAsGuest(skipper, names[0]);
    await startAsGuest(skipped, names[1]);
    await matchUp([skipper, skipped]);

    await skipper.page.getByRole("button", { name: "Skip" }).click();
    await waitForState(skipper.page, "searching");
    await waitForState(skipped.page, "lobby");
    await skipper.page.waitForFunction(() => (globalThis as any).pairline.queuePosition === 1);
    const status = skipper.page.locator("#lobby-status");
    await status.getByText("You are number 1 in the queue.", { exact: false }).waitFor();
    await status
      .getByText(`Waiting — the only other person online is ${names[1]}, whom you just left.`, { exact: false })
      .waitFor({ timeout: 40_000 });
  });

  it("a new user signs up with the form; a refused password says which rule, and the message goes on edit", async () => {
    const user = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [user];
    const account = newAccount("signup");
    await user.page.getByText("Create an account").click();
    const form = user.page.locator("#register-form");
    await form.getByLabel("Username").fill(account.username);
    await form.getByLabel("Email").fill(account.email);
    await form.getByLabel("Password").fill("alllowercase1");
    await form.getByRole("button", { name: "Create account" }).click();
    const error = user.page.locator("#sign-in-error");
    await error.getByText("password must contain an uppercase letter", { exact: false }).waitFor();

    // The refused request is in the console as a failed resource load: expected here.
    user.problems = user.problems.filter((p) => !/status of 400/.test(p));
    await form.getByLabel("Password").fill(account.password);
    assert.equal(await error.textContent(), "", "editing clears the error");
    await form.getByRole("button", { name: "Create account" }).click();
    await waitForState(user.page, "lobby");
    assert.equal(await user.page.locator("#username").textContent(), account.username);
  });

  it("a guest name still reserved says so plainly, and the message goes as soon as the name is edited", async () => {
    const taken = guestName("taken");
    await registerGuest(demo.server.baseUrl, taken);
    const user = await openDemoPage(demo.browser, demo.server.baseUrl);
    demo.users = [user];
    await user.page.locator("#guest-form").getByLabel("Name").fill(taken);
    await user.page.getByRole("button", { name: "Start as a guest" }).click();
    const error = user.page.locator("#sign-in-error");
    await error.getByText("That name is taken: a guest's name stays reserved for a day", { exact: false }).waitFor();
    // The refused request is in the console as a failed resource load: expected here.
    user.problems = user.problems.filter((p) => !/status of 409/.test(p));

    await user.page.locator("#guest-form").getByLabel("Name").pressSequentially("2");
    assert.equal(await error.textContent(), "");
    await user.page.locator("#guest-form").getByLabel("Name").fill(guestName("fresh"));
    await user.page.getByRole("button", { name: "Start as a guest" }).click();
    await waitForState(user.page, "lobby");
  });
});
