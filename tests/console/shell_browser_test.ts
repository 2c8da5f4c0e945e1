/**
 * The console shell in headless Chromium against a real daemon: sign in through the form, every
 * page of the navigation loads with the security headers and no CSP violation, the keyboard
 * reaches the navigation, JavaScript-less reading works, sign out.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { launchBrowser } from "../helpers/browser.ts";
import { browserSignIn, watchResponses } from "./_console.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "browser: sign in, walk the navigation without CSP violations, sign out",
  opts,
  async () => {
    await using d = await startDaemon();
    await using browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const headerProblems = watchResponses(page);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => violations.push(`page error: ${e.message}`));

    await browserSignIn(page, d, d.token);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Overview");
    await page.getByRole("link", { name: "Plugins" }).click();
    await page.waitForURL(/\/ui\/plugins$/);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Plugins");

    // Keyboard: the skip link comes first and the focus is visible.
    await page.keyboard.press("Tab");
    assert.equal(await page.locator(":focus").textContent(), "Skip to content");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/ui\/login/);
    await page.goto(`${d.baseUrl}/ui/plugins`);
    assert.match(page.url(), /\/ui\/login\?next=/);
    assert.deepEqual(headerProblems(), []);
    assert.deepEqual(violations, []);
    await context.close();
  },
);

Deno.test("browser: with JavaScript disabled the pages still read", opts, async () => {
  await using d = await startDaemon();
  await using browser = await launchBrowser();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await browserSignIn(page, d, d.token);
  await page.goto(`${d.baseUrl}/ui/plugins`);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Plugins");
  await context.close();
});
