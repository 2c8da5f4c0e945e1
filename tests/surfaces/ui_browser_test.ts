/**
 * Plugin pages and widgets in headless Chromium against the real daemon: a page and its widgets
 * render in sandboxed frames and call their own routes through the bridge (reader sessions: GET
 * only), theme changes reach the frame, and the frame files carry their own confining CSP.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { browserSignIn } from "../console/_console.ts";
import { createToken } from "../operator/_helpers.ts";
import { installAndEnable, OPTS, repoPath, tcpJson, waitFor } from "./_surfaces.ts";

const FRAME = 'iframe[data-plugin="pipelines-ui"]';

Deno.test(
  "browser: a plugin page and its widgets render and use their own routes",
  OPTS,
  async () => {
    await using d = await startDaemon();
    const view = await installAndEnable(d, repoPath("tests/fixtures/surfaces/pipelines-ui"));
    assert.deepEqual(
      view.permissions.risks.filter((r: { kind: string }) => r.kind === "ui").map((
        r: { value: string; level: string },
      ) => [r.value, r.level]),
      [["page:pipelines", "low"], ["widget:status@overview", "low"], [
        "widget:recent@plugin-detail",
        "low",
      ]],
    );
    await using browser = await launchBrowser();
    const context = await browser.newContext({ colorScheme: "light" });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => violations.push(`page error: ${e.message}`));
    await browserSignIn(page, d, d.token);

    // The page is in the navigation once the plugin is granted and enabled.
    await page.getByRole("link", { name: "Pipelines" }).first().click();
    await page.waitForURL(/\/ui\/x\/plugins\/pipelines-ui\/pages\/pipelines$/);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Pipelines");
    const frame = page.frameLocator(FRAME);
    const text = (selector: string) => frame.locator(selector).textContent();
    await waitFor(async () => await text("#runs") === "0", "the frame to read GET /status");
    await waitFor(async () => await text("#theme") === "light", "the theme from the console");
    await page.emulateMedia({ colorScheme: "dark" });
    await waitFor(async () => await text("#theme") === "dark", "the theme change");

    // A change through the bridge, as the admin session.
    await frame.locator("#run").click();
    await waitFor(async () => await text("#answer") === "status 201", "POST /runs answered");
    await waitFor(async () => await text("#runs") === "1", "the new count");
    const run = await tcpJson(d, "GET", "/v1/plugins/pipelines-ui/routes/runs/1");
    assert.deepEqual(run.body, { branch: "main" }, "the route param reached the plugin");

    // Widgets: on the overview, and on the plugin's own page with a link to its page.
    await page.goto(`${d.baseUrl}/ui`);
    await waitFor(async () => await text("#runs") === "1", "the overview widget");
    await page.goto(`${d.baseUrl}/ui/plugins/pipelines-ui`);
    await waitFor(async () => await text("#runs") === "1", "the plugin-detail widget");
    assert.equal(await page.locator('.slot a[href$="/pages/pipelines"]').count(), 1);

    // Each frame file carries the frame's own policy; the console may frame it, nothing else.
    const src = await page.locator(FRAME).getAttribute("src");
    const res = await fetch(`${d.baseUrl}${src}`);
    await res.body?.cancel();
    const csp = res.headers.get("content-security-policy") ?? "";
    for (
      const part of [
        "default-src 'none'",
        "connect-src 'none'",
        "sandbox allow-scripts allow-forms",
        "frame-ancestors 'self'",
        `script-src ${d.baseUrl}${src!.replace(/ui\/widget\.html$/, "")}`,
      ]
    ) assert.ok(csp.includes(part), `${part} in ${csp}`);
    assert.equal(res.headers.get("x-frame-options"), null);
    assert.equal((await fetch(`${d.baseUrl}/plugin-ui/not-a-ticket/ui/index.html`)).status, 404);
    assert.deepEqual(violations, []);

    // A reader session: GET routes work, the POST is refused by the API (403 reaches the frame).
    const reader = await createToken(d, "reader");
    const readerContext = await browser.newContext();
    const readerPage = await readerContext.newPage();
    await browserSignIn(readerPage, d, reader.token);
    await readerPage.goto(`${d.baseUrl}/ui/x/plugins/pipelines-ui/pages/pipelines`);
    const readerFrame = readerPage.frameLocator(FRAME);
    await waitFor(
      async () => await readerFrame.locator("#runs").textContent() === "1",
      "reader GET",
    );
    await readerFrame.locator("#run").click();
    await waitFor(
      async () => await readerFrame.locator("#answer").textContent() === "status 403",
      "the reader's POST refused",
    );
    const status = await tcpJson(d, "GET", "/v1/plugins/pipelines-ui/routes/status");
    assert.equal(status.body.runs, 1);

    // Disabled: the page and its frames are gone.
    await tcpJson(d, "POST", "/v1/plugins/pipelines-ui/disable");
    assert.equal((await fetch(`${d.baseUrl}${src}`)).status, 404);
    await page.goto(`${d.baseUrl}/ui/x/plugins/pipelines-ui/pages/pipelines`);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "No such page");
    await readerContext.close();
    await context.close();
  },
);
