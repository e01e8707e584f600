import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ROOT } from "./process.ts";
import { bootServer, bootServerProcess, type TestServer, type TestServerProcess } from "./server.ts";

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];

export const ARTIFACTS_DIR = path.join(ROOT, "test-artifacts");

/** Skips the suite when Chromium is missing, except in CI (`CI=true`), where a missing browser fails it. */
export function requireChromium(suite: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM_PATH)) return;
  const problem = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(problem);
  console.warn(`    browser tests skipped: ${problem}`);
  suite.skip();
}

/** Playwright gives each launch a fresh, temporary user data dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A user of the demo page in a browser profile of their own, with what went wrong in the page. */
export interface PageUser {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors (a CSP violation is one). */
  problems: string[];
}

/**
 * `forwardedFor`: the address a trusted proxy would report for this user (`X-Forwarded-For`); `viewport`: 900×860 unless given;
 * `httpCredentials`: what the browser answers an HTTP Basic challenge with (the moderators' console).
 */
export async function openDemoPage(
  browser: Browser,
  url: string,
  options: { forwardedFor?: string; viewport?: { width: number; height: number }; httpCredentials?: { username: string; password: string } } = {},
): Promise<PageUser> {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 900, height: 860 },
    extraHTTPHeaders: options.forwardedFor ? { "x-forwarded-for": options.forwardedFor } : {},
    ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
  });
  const page = await context.newPage();
  const user: PageUser = { page, context, problems: [] };
  page.on("pageerror", (error) => user.problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") user.problems.push(message.text());
  });
  await page.goto(url);
  return user;
}

/** The page's own account of where the user is (`window.pairline.state`). */
export function waitForState(page: Page, state: string, timeout = 10_000): Promise<unknown> {
  return page.waitForFunction((expected) => (globalThis as any).pairline?.state === expected, state, { timeout });
}

export async function startAsGuest(user: PageUser, name: string): Promise<void> {
  await user.page.locator("#guest-form").getByLabel("Name").fill(name);
  await user.page.getByRole("button", { name: "Start as a guest" }).click();
  await waitForState(user.page, "lobby");
}

/** Both press "Find a stranger" and are put in the same chat. */
export async function matchUp(users: PageUser[]): Promise<void> {
  await Promise.all(users.map((user) => user.page.getByRole("button", { name: "Find a stranger" }).click()));
  await Promise.all(users.map((user) => waitForState(user.page, "chatting")));
}

/** Two guests in a chat together. */
export async function matchedPair(browser: Browser, baseUrl: string, names: [string, string]): Promise<[PageUser, PageUser]> {
  const users = await Promise.all(names.map(() => openDemoPage(browser, baseUrl)));
  await Promise.all(users.map((user, i) => startAsGuest(user, names[i]!)));
  await matchUp(users);
  return users as [PageUser, PageUser];
}

/** What a suite of browser tests shares: one server, one Chromium, and the users of the running test. */
export interface DemoSuite<Server = TestServer> {
  server: Server;
  browser: Browser;
  /** Checked for errors in their pages, then closed, after each test. */
  users: PageUser[];
}

/** Registers the suite's hooks; the server gets `env`, and no STUN server (calls stay on this machine). */
export function demoSuite(env: Record<string, string> = {}): DemoSuite {
  return browserSuite(() => bootServer({ STUN_URLS: "", ...env }));
}

/** The same, on a development server: in a process of its own, since its playground patches Colyseus for the whole process. */
export function developmentDemoSuite(): DemoSuite<TestServerProcess> {
  return browserSuite(() => bootServerProcess({ STUN_URLS: "", NODE_ENV: "development" }));
}

function browserSuite<Server extends { stop(): Promise<void> }>(boot: () => Promise<Server>): DemoSuite<Server> {
  const suite = { users: [] as PageUser[] } as unknown as DemoSuite<Server>;
  before(async function () {
    requireChromium(this);
    suite.server = await boot();
    suite.browser = await launchChromium();
  });
  afterEach(async () => {
    const users = suite.users.splice(0);
    try {
      for (const user of users) assert.deepEqual(user.problems, [], "errors in the page");
    } finally {
      await Promise.all(users.map((user) => user.context.close()));
    }
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}

/** Reloads the page and collects every Content-Security-Policy violation it reports from then on. */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("reportViolation", (v: string) => violations.push(v));
  await page.addInitScript(() =>
    (globalThis as any).document.addEventListener("securitypolicyviolation", (e: any) => (globalThis as any).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );
  await page.reload();
  return violations;
}

/** Saves a screenshot under `test-artifacts/` and answers its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A unique guest name (3–30 letters, digits, underscores). */
export function guestName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
}
