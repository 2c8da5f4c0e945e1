/**
 * The console's config form renders a nested JSON Schema in headless Chromium: groups as
 * fieldsets, a secret at depth write-only, API problems next to the nested field by JSON pointer,
 * arrays of objects as JSON whose "********" keeps the secrets.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { browserSignIn } from "./_console.ts";

const FIXTURE = new URL("../fixtures/config/nested", import.meta.url).pathname;
const SECRET = `ghp_${crypto.randomUUID()}`;
const opts = { sanitizeOps: false, sanitizeResources: false };

async function api(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetch(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return await res.json();
}

Deno.test("browser: a nested config schema renders and saves", opts, async () => {
  await using d = await startDaemon();
  await api(d, "POST", "/v1/plugins", { source: FIXTURE });
  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  await browserSignIn(page, d, d.token);
  await page.goto(`${d.baseUrl}/ui/plugins/nested-config/config`);

  assert.equal(
    await page.locator("fieldset.config-group#cfg-github legend").innerText(),
    "github*",
  );
  await page.locator("#cfg-github--org").fill("beta");
  await page.locator("#cfg-channels").fill('[{"url": "ftp://nope"}]');
  await page.getByRole("button", { name: "Save settings" }).click();
  // The API's problems land next to their nested fields.
  await page.locator("#cfg-github--token-err").waitFor();
  assert.match(await page.locator("#cfg-github--token-err").innerText(), /required/);
  assert.match(await page.locator("#cfg-channels-err").innerText(), /pattern/);

  await page.locator("#cfg-github--token").fill(SECRET);
  await page.locator("#cfg-channels").fill('[{"url": "https://a.example", "key": "k-1"}]');
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved").waitFor();
  assert.equal(await page.locator("#cfg-github--token").inputValue(), "", "write-only");
  assert.ok(!(await page.content()).includes(SECRET), "the secret is not in the page");
  assert.match(await page.locator("#cfg-channels").inputValue(), /"key": "\*{8}"/);

  // Saving again unchanged keeps both secrets (the array's "********" and the empty input).
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved").waitFor();
  const config = (await api(d, "GET", "/v1/plugins/nested-config/config")).config;
  assert.deepEqual(config, {
    github: { token: "********", org: "beta" },
    channels: [{ url: "https://a.example", key: "********" }],
    gates: { require_build: true },
  });
  await context.close();
});
