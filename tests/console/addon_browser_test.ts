/**
 * A privileged system addon in headless Chromium: its grant shows a red confirmation of its own,
 * the grant button does nothing until it is ticked, and ticked, the addon is granted root.
 */
import assert from "node:assert/strict";
import type { Locator } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { ADDONS, call } from "../addons/_addons.ts";
import { browserSignIn } from "./_console.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A computed style property of the element, read in the browser. */
function style(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    // deno-lint-ignore no-explicit-any
    (e, p) => (globalThis as any).getComputedStyle(e)[p] as string,
    property,
  );
}

Deno.test("browser: a privileged addon's grant needs its own red box", opts, async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const installed = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}rooted` });
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  await using browser = await launchBrowser();
  const page = await (await browser.newContext()).newPage();
  await browserSignIn(page, d, d.token);
  await page.goto(`${d.baseUrl}/ui/plugins/rooted-addon`);

  const box = page.locator("[data-privileged]");
  const pill = box.locator(".risk-critical");
  const [boxBorder, pillBackground] = await Promise.all([
    style(box, "borderTopColor"),
    style(pill, "backgroundColor"),
  ]);
  const reddish = (css: unknown) => {
    const [r, g, b] = String(css).match(/\d+/g)!.map(Number) as [number, number, number];
    return r > 150 && g < 80 && b < 80;
  };
  assert.ok(reddish(boxBorder), `the box's border is red: ${boxBorder}`);
  assert.ok(reddish(pillBackground), `the critical pill is red: ${pillBackground}`);

  const grant = page.getByRole("button", { name: "Grant exactly these permissions" });
  await grant.click();
  // The required box stops the form in the browser: still the same page, nothing granted.
  assert.equal(
    await box.locator("input[type=checkbox]").evaluate((e) =>
      (e as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing
    ),
    true,
  );
  assert.equal((await call(d, "GET", "/v1/plugins/rooted-addon")).body.permissions.granted, null);

  await box.getByLabel("I trust its author with root on this host").check();
  await grant.click();
  await waitFor(async () => {
    const view = (await call(d, "GET", "/v1/plugins/rooted-addon")).body;
    return view.permissions.granted?.privileged?.[0] === "root";
  }, "the privileged grant");
});
