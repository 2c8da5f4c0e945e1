/**
 * An operator's whole journey in headless Chromium against a real daemon and real sandboxed
 * plugins: sign in with a `plugd ui` link, install from a folder (dev mode), review and grant,
 * configure with a secret (never in any page's HTML), enable, watch live logs, emit an event and
 * read its result, update to a version that widens permissions and approve the diff, see a
 * crashing plugin turn failed without a reload, verify the audit chain, sign out.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { assertNoInlineScript, watchResponses } from "./_console.ts";

const FIXTURES = new URL("../fixtures/console/", import.meta.url).pathname;
const SECRET = `sk-canary-${crypto.randomUUID()}`;
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Every HTML document the browser received, to search for the secret and inline scripts. */
function collectDocuments(page: Page): string[] {
  const docs: string[] = [];
  page.on("response", async (res) => {
    if (res.request().resourceType() !== "document") return;
    try {
      docs.push(`${res.url()}\n${await res.text()}`);
    } catch {
      // a redirect has no body
    }
  });
  return docs;
}

async function api(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

Deno.test("browser: the operator journey from sign-in to sign-out", opts, async (t) => {
  await using d = await startDaemon();
  await using browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const headerProblems = watchResponses(page);
  const docs = collectDocuments(page);
  const base = d.baseUrl;
  const state = (id: string) => page.locator(`[sse-swap="state-${id}"] .badge`).first();

  await t.step("sign in with the one-time link from plugd ui", async () => {
    const cli = await runPlugd(["ui", "--socket", d.socketPath]);
    const url = /(http:\/\/\S+\/ui\/login\?code=\S+)/.exec(cli.stdout)![1]!;
    await page.goto(url);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${base}/ui`);
    await page.getByText("admin", { exact: true }).first().waitFor();
  });

  await t.step("install from a folder, review, grant", async () => {
    await page.getByRole("link", { name: "Install", exact: true }).click();
    await page.getByLabel("Folder on the daemon's host").fill(`${FIXTURES}demo-v1`);
    await page.getByRole("button", { name: "Install from folder" }).click();
    await page.waitForURL(/\/ui\/plugins\/console-demo#review$/);
    await page.getByText("Nothing is granted yet").waitFor();
    const review = page.locator("#review table");
    assert.match(
      await review.innerText(),
      /write: \$DATA[\s\S]*create, change and delete files under \$DATA/,
    );
    assert.equal(await review.locator(".risk").first().innerText(), "medium");
    await page.getByRole("button", { name: "Grant exactly these permissions" }).click();
    await page.getByText("Granted console-demo exactly the permissions reviewed").waitFor();
  });

  await t.step("configure with a secret, then enable", async () => {
    await page.getByRole("link", { name: "Config" }).click();
    await page.getByLabel("retries").fill("7");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#cfg-retries-err").waitFor(); // the API's per-field problem, in place
    assert.match(await page.locator("#cfg-retries-err").innerText(), /5/);
    await page.getByLabel("retries").fill("2");
    await page.getByLabel("greeting").fill("Howdy");
    await page.locator("#cfg-api_key").fill(SECRET);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();
    assert.equal(
      await page.locator("[data-secret-state]").getAttribute("data-secret-state"),
      "set",
    );
    assert.equal(await page.locator("#cfg-api_key").inputValue(), "", "a secret is write-only");
    await page.getByRole("link", { name: "Summary" }).click();
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByText("console-demo enabled").waitFor();
    await waitFor(
      async () => /enabled/.test(await state("console-demo").innerText()),
      "enabled badge",
    );
  });

  await t.step("live logs arrive without a reload", async () => {
    await page.getByRole("link", { name: "Logs" }).click();
    await page.waitForURL(/\/logs$/);
    await page.evaluate("window.__sameDocument = 1");
    const nonce = crypto.randomUUID();
    await waitFor(
      () =>
        page.evaluate(
          "document.querySelector('[sse-connect*=logs]')?.['htmx-internal-data']?.sseEventSource?.readyState === 1",
        ),
      "the log stream to connect",
      15_000,
    ).catch(() => {});
    await api(d, "POST", "/v1/events?wait=true", {
      specversion: "1.0",
      id: `log-${nonce}`,
      source: "/test",
      type: "demo.ping",
      data: { app: "web", nonce },
    });
    await page.locator("ol.log li", { hasText: nonce }).waitFor({ timeout: 15_000 });
    assert.equal(
      await page.evaluate("window.__sameDocument"),
      1,
      "the line arrived without a reload",
    );
  });

  await t.step("emit an event and see each plugin's result", async () => {
    await page.getByRole("link", { name: "Events" }).click();
    await page.getByLabel("Type").fill("demo.ping");
    await page.getByLabel("Data (JSON)").first().fill('{"app": "api"}');
    await page.getByRole("button", { name: "Emit" }).click();
    const row = page.locator("table.results tr[data-plugin=console-demo]");
    await row.waitFor();
    assert.match(await row.innerText(), /ok[\s\S]*Howdy, api!/);
  });

  await t.step("update to a version that widens permissions and approve the diff", async () => {
    await page.goto(`${base}/ui/plugins/console-demo/update`);
    await page.getByLabel("New version from").fill(`${FIXTURES}demo-v2`);
    await page.getByRole("button", { name: "Update" }).click();
    await page.getByText(/asks for more permissions/).first().waitFor();
    const added = page.locator("#review tr.diff-added");
    assert.equal(await added.count(), 1);
    assert.match(await added.innerText(), /\+ added[\s\S]*medium[\s\S]*net: api\.example\.com:443/);
    await page.getByRole("button", { name: "Approve these changes" }).click();
    await page.getByText("Granted console-demo").waitFor();
    if (await page.getByRole("button", { name: "Enable" }).count()) {
      await page.getByRole("button", { name: "Enable" }).click();
    }
    await waitFor(
      async () => /enabled/.test(await state("console-demo").innerText()),
      "enabled after update",
    );
    assert.match(await page.locator("h1").innerText(), /2\.0\.0/);
  });

  await t.step("a crashing plugin turns failed without a reload", async () => {
    const install = await api(d, "POST", "/v1/plugins", { source: `${FIXTURES}crasher` });
    await api(d, "POST", "/v1/plugins/console-crasher/grant", { permissions: install.requested });
    await api(d, "POST", "/v1/plugins/console-crasher/enable");
    await page.goto(`${base}/ui/plugins`);
    await waitFor(
      async () => /enabled/.test(await state("console-crasher").innerText()),
      "running",
    );
    await page.evaluate("window.__sameDocument = 2");
    await d.fetch("/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ specversion: "1.0", id: "crash-1", source: "/t", type: "test.crash" }),
    }).then((r) => r.body?.cancel());
    await waitFor(
      async () => /failed/.test(await state("console-crasher").innerText()),
      "failed badge",
      30_000,
    );
    assert.equal(await page.evaluate("window.__sameDocument"), 2, "no reload");
  });

  await t.step("verify the audit chain", async () => {
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByRole("button", { name: "Verify the chain" }).click();
    await page.locator("[data-verified=ok]").waitFor();
    assert.match(await page.locator("table.audit").innerText(), /plugin\.grant/);
  });

  await t.step("sign out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/ui\/login/);
    await page.goto(`${base}/ui/plugins/console-demo/config`);
    assert.match(page.url(), /\/ui\/login\?next=/);
  });

  await t.step("no page carried the secret, an inline script or a bad header", async () => {
    const config = await api(d, "GET", "/v1/plugins/console-demo/config");
    assert.equal(config.config.api_key, "********");
    assert.ok(docs.length >= 15, `documents seen: ${docs.length}`);
    for (const doc of docs) {
      assert.ok(!doc.includes(SECRET), `the secret is in ${doc.split("\n")[0]}`);
      assertNoInlineScript(doc.slice(doc.indexOf("\n") + 1), doc.split("\n")[0]!);
    }
    assert.deepEqual(headerProblems(), []);
  });
  await context.close();
});
