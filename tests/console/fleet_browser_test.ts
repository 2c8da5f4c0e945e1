/**
 * The console's fleet page in headless Chromium against two real daemons in a fleet over a real
 * `nats-server -js`: the hosts, the desired plugins with each host's convergence, a plugin
 * applied while the page is open appearing by itself (htmx refresh), a rollout paused and aborted
 * from the page, no CSP violation; and on a
 * daemon outside any fleet, the page says how to join.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { startFleet, waitForMembers, waitForStatus } from "../fleet/_fleet.ts";
import { browserSignIn, watchResponses } from "./_console.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "browser: the fleet page shows hosts, convergence and refreshes by itself",
  opts,
  async () => {
    await using fleet = await startFleet([
      { id: "h1", labels: { role: "web" } },
      { id: "h2", labels: { role: "db" } },
    ]);
    const [h1] = fleet.hosts;
    await waitForMembers(fleet, ["h1", "h2"]);
    await fleet.publishPlugin({ id: "acme-one", version: "1.0.0" });
    await fleet.publishPlugin({ id: "acme-two", version: "1.0.0" });
    await fleet.publishPlugin({ id: "acme-one", version: "1.1.0" });
    const one = { id: "acme-one", version: "1.0.0", registry: fleet.registry.url };
    const applied = await h1!.call("POST", "/v1/fleet/apply", { document: { plugins: [one] } });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    for (const id of ["h1", "h2"]) await waitForStatus(fleet, id, "acme-one", "converged", "1.0.0");

    await using browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const headerProblems = watchResponses(page);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => violations.push(`page error: ${e.message}`));
    await browserSignIn(page, h1!.daemon, h1!.daemon.token);
    await page.getByRole("link", { name: "Fleet" }).click();
    await page.waitForURL(/\/ui\/fleet$/);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Fleet");
    assert.equal(await page.locator("#fleet").getAttribute("data-connected"), "yes");
    for (const id of ["h1", "h2"]) {
      const row = page.locator(`tr[data-host="${id}"]`);
      assert.match(await row.textContent() ?? "", /online/);
    }
    assert.match(await page.locator('tr[data-host="h2"]').textContent() ?? "", /role=db/);
    const cell = page.locator('td[data-cell="h2/acme-one"]');
    assert.equal(await cell.locator(".badge").getAttribute("data-state"), "converged");
    assert.match(await cell.textContent() ?? "", /1\.0\.0/);

    // Applied while the page is open: its row and both hosts' convergence appear without a reload.
    const two = { id: "acme-two", version: "1.0.0", registry: fleet.registry.url };
    const more = await h1!.call("POST", "/v1/fleet/apply", { document: { plugins: [one, two] } });
    assert.equal(more.status, 200, JSON.stringify(more.body));
    for (const id of ["h1", "h2"]) {
      await page.locator(`td[data-cell="${id}/acme-two"] .badge[data-state="converged"]`)
        .waitFor({ timeout: 120_000 });
    }

    // A rollout held by its pause after the canary: paused, then aborted, from the page.
    const rolling = { ...one, version: "1.1.0", rollout: { canary: 1, batch: 1, pause_s: 3600 } };
    const rolled = await h1!.call("POST", "/v1/fleet/apply", {
      document: { plugins: [rolling, two] },
    });
    assert.equal(rolled.status, 200, JSON.stringify(rolled.body));
    await waitForStatus(fleet, "h1", "acme-one", "converged", "1.1.0");
    const rollout = page.locator('li[data-rollout="acme-one"]');
    await rollout.locator('.badge[data-state="running"]').first().waitFor({ timeout: 120_000 });
    await rollout.getByRole("button", { name: "Pause" }).click();
    await page.getByText("The rollout of acme-one is paused on every host").waitFor();
    await rollout.locator('.badge[data-state="paused"]').first().waitFor();
    await rollout.getByRole("button", { name: "Abort" }).click();
    await page.getByText("The rollout of acme-one is aborted on every host").waitFor();
    const audit = JSON.stringify((await h1!.call("GET", "/v1/audit?action=fleet.rollout.*")).body);
    assert.match(audit, /fleet\.rollout\.pause/);
    assert.match(audit, /fleet\.rollout\.abort/);
    assert.deepEqual(headerProblems(), []);
    assert.deepEqual(violations, []);
    await context.close();
  },
);

Deno.test(
  "browser: on a host outside any fleet, the fleet page says how to join",
  opts,
  async () => {
    await using d = await startDaemon();
    await using browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await browserSignIn(page, d, d.token);
    await page.goto(`${d.baseUrl}/ui/fleet`);
    // The section by its name (another level-2 heading, e.g. a notice, may come first).
    await page.getByRole("heading", { level: 2, name: "Not in a fleet", exact: true }).waitFor();
    assert.match(await page.locator("main").textContent() ?? "", /nats\.url|PLUGD_NATS_URL/);
    await context.close();
  },
);
