import assert from "node:assert/strict";
import { demoSuite, openDemoPage, watchCspViolations } from "../helpers/browser.ts";

describe("API reference page in a real browser", function () {
  this.timeout(120_000);
  const demo = demoSuite();

  it("Swagger UI renders every operation of /api/docs under the site's CSP, with no violation", async () => {
    const openApi = (await (await fetch(`${demo.server.baseUrl}/api/docs`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(openApi.paths).reduce((n, item) => n + Object.keys(item).length, 0);

    const reader = await openDemoPage(demo.browser, `${demo.server.baseUrl}/api/docs.html`);
    demo.users = [reader];
    const violations = await watchCspViolations(reader.page);

    await reader.page.locator(".opblock").nth(operations - 1).waitFor({ timeout: 90_000 });
    assert.equal(await reader.page.locator(".opblock").count(), operations);
    assert.ok(await reader.page.getByText("/api/auth/register", { exact: true }).isVisible());
    assert.deepEqual(violations, []);
  });
});
