/**
 * log-hub's console page in headless Chromium against the real daemon: the Logs page renders in
 * its sandboxed frame, searches through the UI bridge with the query language, shows the
 * per-minute chart and top lists, and its live tail shows a line stored while its long poll waits.
 * The overview widget counts the errors. No CSP violation, no page error.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { browserSignIn } from "../console/_console.ts";
import { installAndEnable, OPTS, repoPath, waitFor } from "../surfaces/_surfaces.ts";

const TOKEN = "browser-ingest-token-000000001";
const FRAME = 'iframe[data-plugin="log-hub"]';
const WAIT = 60_000;

Deno.test("browser: the Logs page searches, charts and follows live", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, repoPath("plugins/log-hub"), { ingest_token: TOKEN });
  const ingest = async (lines: unknown[]) => {
    const res = await fetch(`${d.baseUrl}/hooks/log-hub/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: lines.map((l) => JSON.stringify(l)).join("\n"),
    });
    assert.equal((await res.json()).accepted, lines.length);
  };
  await ingest([
    { level: "error", msg: "upstream <b>timed</b> out", path: "/api/orders", status: 504 },
    { level: "info", msg: "order created", path: "/api/orders", status: 201 },
    { level: "warn", msg: "slow query", path: "/api/users", status: 200 },
  ]);

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await browserSignIn(page, d, d.token);

  // The overview widget: one error in the last hour.
  const widget = page.frameLocator('iframe[data-plugin="log-hub"]').first();
  await waitFor(
    async () => await widget.locator("#errors").textContent() === "1",
    "the widget",
    WAIT,
  );

  await page.goto(`${d.baseUrl}/ui/x/plugins/log-hub/pages/logs`);
  const frame = page.frameLocator(FRAME);
  const rows = frame.locator("#results tbody tr");
  await waitFor(async () => await rows.count() === 3, "the first search", WAIT);
  // Log text is shown as text: the <b> in a message is not markup.
  assert.equal(await frame.locator("#results b").count(), 0);
  assert.match(await rows.first().textContent() ?? "", /slow query|order created|timed/);
  assert.equal(await frame.locator("#chart rect").count() > 0, true, "the per-minute chart");
  assert.match(await frame.locator("#paths").textContent() ?? "", /2\s+\/api\/orders/);

  // A search with the query language, through the bridge.
  const searched = async () => Number(await frame.locator("body").getAttribute("data-searched"));
  const before = await searched();
  await frame.locator("#q").fill("status:5* AND path:/api");
  await frame.locator("#search button").click();
  await waitFor(async () => await searched() > before, "the second search", WAIT);
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent() ?? "", /upstream <b>timed<\/b> out/);

  // Live tail: once a long poll waits, a line stored now shows up through it.
  await frame.locator("#q").fill("");
  await frame.locator("#live").check();
  await waitFor(
    async () => await frame.locator("body").getAttribute("data-live") === "waiting",
    "the live tail's long poll",
    WAIT,
  );
  await ingest([{ level: "error", msg: "live line from the test" }]);
  const fresh = frame.locator("#results tbody tr.new");
  await waitFor(async () => await fresh.count() === 1, "the live line", WAIT);
  assert.match(await fresh.textContent() ?? "", /live line from the test/);
  assert.deepEqual(problems, []);
  await context.close();
});
