/**
 * Tasks in headless Chromium with a real sandboxed processor: an operator finds a task through the
 * navigation and the filters, watches its progress, cancels it and follows an attempt to its
 * execution record; a reader sees no Cancel and its forged cancels are refused; hostile input,
 * progress and error texts (HTML, scripts, terminal escapes) stay inert text.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { createToken } from "../operator/_helpers.ts";
import { installAndEnable, type Json, OPTS, socketJson } from "../surfaces/_surfaces.ts";
import { browserSignIn, watchResponses } from "./_console.ts";

const FIXTURE = new URL("../fixtures/console/tasks", import.meta.url).pathname;

async function submit(d: TestDaemon, input: Json, wait = 0): Promise<Json> {
  const r = await socketJson(d, "POST", `/v1/tasks/console.job?wait=${wait}`, { input });
  assert.ok(r.status === 200 || r.status === 202, JSON.stringify(r.body));
  return r.body;
}

/** A task's execution records, once the recorder has written `n` (records are written behind). */
async function recordsOf(d: TestDaemon, id: string, n = 1): Promise<Json[]> {
  return await waitFor(async () => {
    const { executions } = (await socketJson(d, "GET", `/v1/executions?task=${id}`)).body;
    return executions.length >= n ? executions : null;
  }, `the execution records of task ${id}`);
}

async function runningWith(d: TestDaemon, id: string, message: string): Promise<void> {
  await waitFor(async () => {
    const t = (await socketJson(d, "GET", `/v1/tasks/${id}`)).body;
    return t.status === "running" && t.progress?.message === message;
  }, `task ${id} running with its progress`);
}

/** Counts dialogs (an alert would mean a script ran). */
function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  return dialogs;
}

Deno.test("browser: an operator filters tasks, watches one and cancels it", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, FIXTURE);
  const done = await submit(d, { result: { rows: 7 } }, 60);
  await recordsOf(d, done.id);
  const held = await submit(d, { message: "copying tile 3 of 6", hold_ms: 290_000 });
  await runningWith(d, held.id, "copying tile 3 of 6");
  const operator = await createToken(d, "operator");

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchResponses(page);
  const dialogs = watchDialogs(page);
  await browserSignIn(page, d, operator.token);

  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Tasks" })
    .click();
  await page.waitForURL(`${d.baseUrl}/ui/tasks`);
  assert.equal(await page.locator("tr[data-task]").count(), 2);
  await page.getByLabel("Status").selectOption("succeeded");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/status=succeeded/);
  assert.deepEqual(
    await page.locator("tr[data-task]").evaluateAll((rows) =>
      rows.map((r) => r.getAttribute("data-task"))
    ),
    [done.id],
  );
  await page.getByRole("link", { name: done.id }).click();
  await page.waitForURL(`${d.baseUrl}/ui/tasks/${done.id}`);
  assert.match(await page.locator("#result").innerText(), /"rows": 7/);
  assert.equal(await page.getByRole("button", { name: "Cancel task" }).count(), 0);
  await page.locator("tr[data-attempt='1']").getByRole("link").click();
  await page.waitForURL(/\/ui\/executions\/\d+$/);
  assert.match(await page.locator("#output").innerText(), /"rows": 7/);

  // A task queued behind the held one (one at a time): its page follows it without a reload.
  const queued = await submit(d, { result: { waited: true } });
  const follower = await context.newPage();
  await follower.goto(`${d.baseUrl}/ui/tasks/${queued.id}`);
  assert.equal(await follower.locator("#task").getAttribute("data-status"), "queued");

  await page.goto(`${d.baseUrl}/ui/tasks?status=running`);
  assert.match(await page.locator(`tr[data-task="${held.id}"]`).innerText(), /50%/);
  await page.getByRole("link", { name: held.id }).click();
  await page.waitForURL(`${d.baseUrl}/ui/tasks/${held.id}`);
  assert.match(await page.locator("#progress").innerText(), /50%\s+copying tile 3 of 6/);
  await page.getByRole("button", { name: "Cancel task" }).click();
  await page.waitForURL(`${d.baseUrl}/ui/tasks/${held.id}`);
  assert.match(await page.locator(".flash-ok").innerText(), /cancelled|Cancel asked/);
  // Still running (a loaded machine), the page follows it until it is cancelled.
  await page.locator("#task[data-status='cancelled']").waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("button", { name: "Cancel task" }).count(), 0);
  assert.equal((await socketJson(d, "GET", `/v1/tasks/${held.id}`)).body.status, "cancelled");
  await follower.locator("#task[data-status='succeeded']").waitFor({ timeout: 60_000 });
  assert.match(await follower.locator("#result").innerText(), /"waited": true/);
  assert.equal(follower.url(), `${d.baseUrl}/ui/tasks/${queued.id}`, "no navigation");
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems(), []);
  await context.close();
});

Deno.test("browser: a reader sees no Cancel and forged cancels are refused", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, FIXTURE);
  const held = await submit(d, { message: "working", hold_ms: 290_000 });
  await runningWith(d, held.id, "working");
  const reader = await createToken(d, "reader");

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  await browserSignIn(page, d, reader.token);
  for (const path of ["/ui/tasks", `/ui/tasks/${held.id}`, "/ui/executions"]) {
    await page.goto(`${d.baseUrl}${path}`);
    const forms = await page.locator("form[method=post]").evaluateAll((els) =>
      els.map((e) => e.getAttribute("action"))
    );
    assert.deepEqual(forms, ["/ui/logout"], `${path} offers only sign-out: ${forms}`);
  }
  assert.equal(await page.getByRole("button", { name: "Cancel task" }).count(), 0);
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute("content");
  const statuses = await page.evaluate(async ({ path, csrf }) => {
    const post = (fields: Record<string, string>) =>
      fetch(path, { method: "POST", body: new URLSearchParams(fields) }).then((r) => r.status);
    return [await post({ _csrf: csrf! }), await post({})];
  }, { path: `/ui/tasks/${held.id}/cancel`, csrf });
  assert.deepEqual(statuses, [403, 403], "with and without the CSRF token");
  const task = (await socketJson(d, "GET", `/v1/tasks/${held.id}`)).body;
  assert.equal(task.status, "running", "still running");
  await context.close();
  await socketJson(d, "POST", `/v1/tasks/${held.id}/cancel`);
});

Deno.test("browser: hostile task texts stay inert", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, FIXTURE);
  const html = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>';
  const escape = "\x1b[31mRED\x1b[0m\x1b]0;owned\x07";
  const failed = await submit(d, {
    message: `${html} ${escape}`,
    refuse: `<a href="javascript:alert(3)">fix</a> ${escape}`,
    note: html,
  }, 60);
  assert.equal(failed.status, "failed", JSON.stringify(failed));
  const held = await submit(d, { message: `${html}${escape}`, hold_ms: 290_000 });
  await runningWith(d, held.id, `${html}${escape}`);
  const executions = await recordsOf(d, failed.id);

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = watchDialogs(page);
  await browserSignIn(page, d, d.token);
  for (
    const path of [
      "/ui/tasks",
      `/ui/tasks/${failed.id}`,
      `/ui/tasks/${held.id}`,
      "/ui/executions",
      `/ui/executions/${executions[0].id}`,
    ]
  ) {
    await page.goto(`${d.baseUrl}${path}`);
    await page.waitForLoadState("load");
    for (const text of await page.getByText(/fix|RED|img/).all()) {
      await text.hover({ timeout: 1000 }).catch(() => {});
    }
    assert.equal(await page.evaluate("window.__pwned"), undefined, `${path}: a script ran`);
    assert.equal(
      await page.locator("main img, main script, main a[href^='javascript:']").count(),
      0,
    );
    const text = await page.locator("main").innerText();
    assert.ok(!text.includes("\x1b"), `${path}: no ESC character reaches the page`);
  }
  await page.goto(`${d.baseUrl}/ui/tasks/${failed.id}`);
  const error = await page.locator(".task-error").innerText();
  assert.ok(error.includes('<a href="javascript:alert(3)">fix</a>'), error);
  assert.match(error, /␛\[31mRED␛\[0m␛\]0;owned/, "escapes shown inert");
  assert.match(await page.locator("#input").innerText(), /"note": "<img src=x onerror=/);
  await page.goto(`${d.baseUrl}/ui/tasks/${held.id}`);
  const progress = await page.locator(".progress-message").innerText();
  assert.ok(
    progress.startsWith('<img src=x onerror="window.__pwned=1;alert(1)"><script>'),
    progress,
  );
  assert.match(progress, /␛\[31mRED/);
  assert.deepEqual(dialogs, []);
  await context.close();
  await socketJson(d, "POST", `/v1/tasks/${held.id}/cancel`);
});
