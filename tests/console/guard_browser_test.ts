/**
 * What the console refuses, in headless Chromium: a reader session sees no control that changes
 * anything and every change it forges (with a valid CSRF token) gets 403; a hostile plugin's
 * HTML, scripts, javascript: links and terminal escapes in its name, description, config, logs
 * and event results stay inert text (no dialog, no script, no navigation).
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { createToken } from "../operator/_helpers.ts";
import { browserSignIn } from "./_console.ts";

const FIXTURES = new URL("../fixtures/console/", import.meta.url).pathname;
const opts = { sanitizeOps: false, sanitizeResources: false };

async function installEnabled(d: TestDaemon, folder: string, enable = true): Promise<string> {
  const json = { "content-type": "application/json" };
  const install = await (await d.fetch("/v1/plugins", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ source: `${FIXTURES}${folder}` }),
  })).json();
  assert.ok(install.id, JSON.stringify(install));
  const steps = [["grant", { permissions: install.requested }], ["enable", {}]] as const;
  for (const [path, body] of enable ? steps : steps.slice(0, 1)) {
    const res = await d.fetch(`/v1/plugins/${install.id}/${path}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.text());
  }
  return install.id;
}

Deno.test(
  "browser: a reader session has no controls for changes, and forged changes get 403",
  opts,
  async () => {
    await using d = await startDaemon();
    await installEnabled(d, "demo-v1", false);
    const reader = await createToken(d, "reader");
    await using browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await browserSignIn(page, d, reader.token);

    const pages = [
      "/ui",
      "/ui/plugins",
      "/ui/plugins/console-demo",
      "/ui/plugins/console-demo/config",
      "/ui/plugins/console-demo/logs",
      "/ui/webhooks",
      "/ui/audit",
      "/ui/access",
      "/ui/events",
    ];
    for (const path of pages) {
      await page.goto(`${d.baseUrl}${path}`);
      const forms = await page.locator("form[method=post]").evaluateAll((els) =>
        els.map((e) => e.getAttribute("action"))
      );
      assert.deepEqual(forms, ["/ui/logout"], `${path} offers only sign-out: ${forms}`);
      for (
        const name of [
          "Enable",
          "Disable",
          "Grant",
          "Save settings",
          "Install",
          "Emit",
          "Create",
          "Remove…",
        ]
      ) {
        assert.equal(
          await page.getByRole("button", { name, exact: true }).count(),
          0,
          `${path}: ${name}`,
        );
      }
    }

    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute("content");
    const forged = [
      "/ui/plugins/console-demo/grant",
      "/ui/plugins/console-demo/enable",
      "/ui/plugins/console-demo/config",
      "/ui/plugins/console-demo/remove",
      "/ui/install",
      "/ui/webhooks",
      "/ui/tokens",
      "/ui/keys",
      "/ui/events/emit",
    ];
    const statuses = await page.evaluate(async ({ forged, csrf }) => {
      const out: Record<string, number> = {};
      for (const path of forged) {
        const body = new URLSearchParams({
          _csrf: csrf!,
          folder: "/tmp",
          type: "x.y",
          scope: "admin",
        });
        out[path] = (await fetch(path, { method: "POST", body })).status;
      }
      return out;
    }, { forged, csrf });
    assert.deepEqual(Object.values(statuses), forged.map(() => 403), JSON.stringify(statuses));
    const view = await (await d.fetch("/v1/plugins/console-demo")).json();
    assert.equal(view.state, "installed", `nothing changed: ${JSON.stringify(view.state)}`);
    assert.deepEqual(view.permissions.granted, { write: ["$DATA"] });
    await context.close();
  },
);

Deno.test(
  "browser: a hostile plugin's HTML, scripts and escapes stay inert text",
  opts,
  async () => {
    await using d = await startDaemon();
    const id = await installEnabled(d, "hostile");
    const emitted = await (await d.fetch("/v1/events?wait=true", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        specversion: "1.0",
        id: "hostile-1",
        source: "/t",
        type: "hostile.go",
      }),
    })).json();
    assert.equal(emitted.results[0].status, "ok", JSON.stringify(emitted));
    await waitFor(async () => {
      const { lines } = await (await d.fetch(`/v1/plugins/${id}/logs`)).json();
      return lines.some((l: { msg: string }) => l.msg.includes("cleared the screen"));
    }, "the hostile log lines");

    await using browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    await browserSignIn(page, d, d.token);

    for (
      const path of [
        "/ui",
        "/ui/plugins",
        `/ui/plugins/${id}`,
        `/ui/plugins/${id}/config`,
        `/ui/plugins/${id}/logs`,
        "/ui/events?id=hostile-1",
        `/ui/plugins/${id}/history`,
      ]
    ) {
      await page.goto(`${d.baseUrl}${path}`);
      await page.waitForLoadState("load");
      // Hover and click what a victim would: the hostile texts themselves.
      for (const text of await page.getByText(/Hostile|click|javascript/).all()) {
        await text.hover({ timeout: 1000 }).catch(() => {});
      }
      assert.equal(await page.evaluate("window.__pwned"), undefined, `${path}: a script ran`);
      assert.equal(
        new URL(page.url()).pathname + new URL(page.url()).search,
        path,
        `${path}: navigated away`,
      );
    }
    assert.deepEqual(dialogs, []);

    await page.goto(`${d.baseUrl}/ui/plugins/${id}`);
    assert.match(
      await page.locator("h1").innerText(),
      /<img src=x onerror=/,
      "the name shows as text",
    );
    assert.equal(
      await page.locator("main a[href^='javascript:']").count(),
      0,
      "no javascript: link",
    );
    assert.match(
      await page.locator("#about").innerText(),
      /\[U\+202E\]txt\.exe/,
      "bidi override named",
    );
    await page.goto(`${d.baseUrl}/ui/plugins/${id}/logs`);
    const logs = await page.locator("ol.log").innerText();
    assert.match(logs, /<script>window\.__pwned=8/, "log HTML is shown as text");
    assert.match(logs, /␛\[31mRED␛\[0m/, "ANSI shown inert");
    assert.ok(!logs.includes("\x1b"), "no ESC character reaches the page");
    assert.match(
      await page.title(),
      /^<img src=x onerror=.*: logs · plugd$/,
      "the title is text too",
    );
    await page.goto(`${d.baseUrl}/ui/plugins/${id}/config`);
    assert.equal(
      await page.locator("#cfg-label").inputValue(),
      '"><script>window.__pwned=5</script>',
    );
    await page.goto(`${d.baseUrl}/ui/events?id=hostile-1`);
    assert.match(await page.locator("table.results").innerText(), /javascript:alert\(11\)/);
    await context.close();
  },
);
