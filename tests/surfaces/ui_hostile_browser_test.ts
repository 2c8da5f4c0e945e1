/**
 * A hostile plugin page in headless Chromium: from inside its frame it tries the console's DOM,
 * the cookies, the API (fetch, XHR, WebSocket), top navigation, a popup, a cross-site form post,
 * and forged bridge messages naming another plugin's route. Each attempt must fail in the
 * browser, with the console page, its tokens and the other plugin untouched, and the forged
 * messages counted; its one legitimate bridge call works.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { browserSignIn, ConsoleClient } from "../console/_console.ts";
import { installAndEnable, OPTS, repoPath, socketJson, tcpJson, waitFor } from "./_surfaces.ts";

const HOSTILE = 'iframe[data-plugin="hostile-ui"]';

/** What attack.js must report for each attempt. */
const EXPECTED: Record<string, RegExp> = {
  "parent.document": /^blocked: SecurityError/,
  "top.document.cookie": /^blocked: SecurityError/,
  "document.cookie": /^blocked: SecurityError/,
  "document.cookie write": /^blocked: SecurityError/,
  localStorage: /^blocked: SecurityError/,
  "fetch /v1/plugins": /^blocked: TypeError/,
  "fetch /ui/tokens": /^blocked: TypeError/,
  "XMLHttpRequest /v1/tokens": /^blocked: /,
  "new WebSocket": /^blocked: /,
  "top navigation": /^blocked: SecurityError/,
  "window.open popup": /^blocked: Error: window.open returned null/,
  "forged: other plugin's route": /^refused: /,
  "forged: traversal to other plugin": /^refused: /,
  "forged: API path": /^refused: /,
  "bridge GET /whoami": /^succeeded: \{"me":"hostile-ui"\}$/,
};

async function metric(d: { fetch: (p: string) => Promise<Response> }, reason: string) {
  const text = await (await d.fetch("/metrics")).text();
  const line = text.split("\n").find((l) =>
    l.startsWith("plugd_ui_bridge_dropped_total{") && l.includes('plugin="hostile-ui"') &&
    l.includes(`reason="${reason}"`)
  );
  return Number(line?.split(" ").at(-1) ?? 0);
}

Deno.test("browser: a hostile plugin page is contained by its frame", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, repoPath("tests/fixtures/surfaces/pipelines-ui"));
  await installAndEnable(d, repoPath("tests/fixtures/surfaces/hostile-ui"));
  const tokensBefore = (await socketJson(d, "GET", "/v1/tokens")).body.tokens.length;

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const popups: string[] = [];
  context.on("page", (p) => popups.push(p.url()));
  await browserSignIn(page, d, d.token);
  const target = `${d.baseUrl}/ui/x/plugins/hostile-ui/pages/board`;
  await page.goto(target);
  const frame = page.frameLocator(HOSTILE);
  await frame.locator('body[data-done="1"]').waitFor({ timeout: 60_000 });
  const results = JSON.parse(await frame.locator("#results").textContent() ?? "{}");

  // Every attempt failed in the browser, and the legitimate call worked.
  for (const [name, want] of Object.entries(EXPECTED)) {
    assert.match(String(results[name]), want, `${name}: ${results[name]}`);
  }
  assert.match(results["form post to /ui/tokens"], /^(succeeded: submitted|blocked: )/);

  // The console is untouched: same page, no popup, no new token, the other plugin not called.
  assert.equal(page.url(), target);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Dashboard");
  assert.deepEqual(popups, [], "no popup opened");
  assert.equal((await socketJson(d, "GET", "/v1/tokens")).body.tokens.length, tokensBefore);
  const other = await tcpJson(d, "GET", "/v1/plugins/pipelines-ui/routes/status");
  assert.equal(other.body.runs, 0, "pipelines-ui's POST /runs was never called");

  // The forged messages were dropped and counted, and the plugin's log says so.
  await waitFor(async () => await metric(d, "undeclared") >= 3, "the undeclared drops counted");
  await waitFor(async () => await metric(d, "malformed") >= 2, "the malformed drops counted");
  const logs = await socketJson(d, "GET", "/v1/plugins/hostile-ui/logs");
  assert.ok(logs.body.lines.some((l: { msg: string }) => /console bridge dropped/.test(l.msg)));

  // The server checks again on its own: a relay request for another plugin's route, sent with a
  // valid session and CSRF token (as if the parent script were bypassed), is refused and counted.
  const client = new ConsoleClient(d.baseUrl);
  await client.signIn(d.token);
  const { csrf } = await client.page("/ui");
  const before = await metric(d, "undeclared");
  const forged = await client.fetch("/ui/x/plugin-ui/bridge/hostile-ui", {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf, origin: d.baseUrl },
    body: JSON.stringify({ method: "POST", path: "/runs", body: "{}" }),
  });
  assert.equal(forged.status, 403);
  assert.match((await forged.json()).error, /not a route plugin "hostile-ui" declares/);
  assert.equal(await metric(d, "undeclared"), before + 1);

  // Opened outside the console (a new tab), the frame's document is still sandboxed by its CSP.
  const src = await page.locator(HOSTILE).getAttribute("src");
  context.removeAllListeners("page");
  const tab = await context.newPage();
  // Its attack script is kept out: in a tab the page is its own top, so its "top navigation"
  // attempt would navigate the tab away while we inspect it.
  await tab.route("**/attack.js", (route) => route.abort());
  await tab.goto(`${d.baseUrl}${src}`);
  // (A string: this expression runs in the page, where `document` exists.)
  const outside = await tab.evaluate(`(() => {
    let cookie;
    try { cookie = document.cookie; } catch (error) { cookie = "blocked: " + error.name; }
    return { origin: self.origin, cookie };
  })()`);
  assert.deepEqual(outside, { origin: "null", cookie: "blocked: SecurityError" });
  await context.close();
});
