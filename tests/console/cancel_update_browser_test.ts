/**
 * A waiting (widening) update in headless Chromium: the permission review shows a "Cancel update"
 * button beside the diff; it withdraws the update (the running version keeps running with its
 * grant), and a page showing an update that is no longer waiting withdraws nothing.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { call } from "../addons/_addons.ts";
import { browserSignIn } from "./_console.ts";

const FIXTURES = new URL("../fixtures/console/", import.meta.url).pathname;
const opts = { sanitizeOps: false, sanitizeResources: false };
const LONG = { timeout: 60_000 }; // a loaded machine renders slowly; never a timing assertion

async function waitingUpdate(d: TestDaemon): Promise<void> {
  const update = await call(d, "POST", "/v1/plugins/console-demo/update", {
    source: `${FIXTURES}demo-v2`,
  });
  assert.equal(update.status, 200, JSON.stringify(update.body));
  assert.equal(update.body.awaiting_grant, true);
}

/** Opens the plugin page and waits for the review with the waiting update's diff. */
async function openReview(page: Page, d: TestDaemon): Promise<void> {
  await page.goto(`${d.baseUrl}/ui/plugins/console-demo`);
  await page.locator("#review tr.diff-added").first().waitFor(LONG);
}

Deno.test(
  "browser: a waiting update is withdrawn with its Cancel update button",
  opts,
  async () => {
    await using d = await startDaemon();
    const installed = await call(d, "POST", "/v1/plugins", { source: `${FIXTURES}demo-v1` });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const granted = await call(d, "POST", "/v1/plugins/console-demo/grant", {
      permissions: installed.body.requested,
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const config = await call(d, "PUT", "/v1/plugins/console-demo/config", { api_key: "k" });
    assert.equal(config.status, 200, JSON.stringify(config.body));
    const enabled = await call(d, "POST", "/v1/plugins/console-demo/enable");
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    await waitingUpdate(d);

    await using browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await browserSignIn(page, d, d.token);

    // The page was shown while the update waited; it is withdrawn elsewhere before the click.
    await openReview(page, d);
    const cancel = page.locator("#review").getByRole("button", { name: "Cancel update" });
    await cancel.waitFor(LONG);
    assert.equal((await call(d, "DELETE", "/v1/plugins/console-demo/update")).status, 200);
    await cancel.click();
    await page.getByText("console-demo has no update waiting any more").waitFor(LONG);

    // Waiting again: the button beside the diff withdraws it.
    await waitingUpdate(d);
    await openReview(page, d);
    assert.match(await page.locator("#review").innerText(), /withdraws version 2\.0\.0/);
    await page.locator("#review").getByRole("button", { name: "Cancel update" }).click();
    await page.getByText(
      "Withdrew the update of console-demo to 2.0.0; 1.0.0 keeps running",
    ).waitFor(LONG);
    await waitFor(async () => {
      const v = (await call(d, "GET", "/v1/plugins/console-demo")).body;
      return v.pending_update === null && v.version === "1.0.0" && v.state === "enabled";
    }, "the update withdrawn, 1.0.0 enabled");
    const view = (await call(d, "GET", "/v1/plugins/console-demo")).body;
    assert.deepEqual(view.permissions.granted, { write: ["$DATA"] }, "the grant is untouched");
    assert.equal(
      await page.locator("#review").getByRole("button", { name: "Cancel update" }).count(),
      0,
    );
    const audit = await call(d, "GET", "/v1/audit?action=plugin.update.cancel");
    assert.equal(audit.body.rows.length, 2, "both withdrawals audited");
    await context.close();
  },
);
