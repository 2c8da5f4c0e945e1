/**
 * ci-pipelines in headless Chromium against the real daemon: the "CI pipelines" page lists each
 * repo's pipelines with their last result and history, the overview widget lists the failing
 * ones, and a pipeline name full of HTML from a webhook is shown as text, never run.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { browserSignIn } from "../console/_console.ts";
import { installAndEnable, OPTS, waitFor } from "../surfaces/_surfaces.ts";
import { githubHeaders, PLUGIN_DIR, workflowRun } from "./_ci_pipelines.ts";

const FRAME = 'iframe[data-plugin="ci-pipelines"]';
const HOSTILE = `<img src=x onerror="parent.postMessage('pwned','*')">`;

Deno.test("browser: the ci-pipelines page and its failing-pipelines widget", OPTS, async () => {
  await using d = await startDaemon();
  await installAndEnable(d, PLUGIN_DIR, { github: { webhook_secret: "s" } });
  const deliver = async (payload: Record<string, unknown>) => {
    const body = JSON.stringify(payload);
    const res = await fetch(`${d.baseUrl}/hooks/ci-pipelines/github`, {
      method: "POST",
      headers: await githubHeaders("s", "workflow_run", body),
      body,
    });
    assert.equal(res.status, 202, await res.text());
  };
  const sha = (n: number) => String(n).repeat(40).slice(0, 40);
  await deliver(workflowRun({ repo: "acme/web", id: 1, sha: sha(1), conclusion: "success" }));
  await deliver(workflowRun({ repo: "acme/web", id: 2, sha: sha(2), conclusion: "failure" }));
  await deliver(
    workflowRun({ repo: "acme/api", id: 3, name: HOSTILE, sha: sha(3), conclusion: "success" }),
  );

  await using browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await browserSignIn(page, d, d.token);

  // The page: both repos, web's CI failed now with a history of two runs.
  await page.goto(`${d.baseUrl}/ui/x/plugins/ci-pipelines/pages/pipelines`);
  const frame = page.frameLocator(FRAME);
  await waitFor(
    async () => (await frame.locator("#summary").textContent())?.startsWith("2 repositories"),
    "the page to load the pipelines through the bridge",
  );
  assert.equal(
    await frame.locator("#summary").textContent(),
    "2 repositories, 1 failing pipeline(s).",
  );
  const web = frame.locator('section[data-repo="acme/web"] tr[data-lane="main/CI"]');
  assert.equal(await web.locator("[data-status]").textContent(), "failed");
  assert.equal(await web.locator(".history span").count(), 2);
  const api = frame.locator('section[data-repo="acme/api"]');
  assert.ok((await api.textContent())?.includes(HOSTILE), "the name is shown as text");
  assert.equal(await api.locator("img").count(), 0, "and never parsed as HTML");

  // The overview widget: only the failing pipeline.
  await page.goto(`${d.baseUrl}/ui`);
  const widget = page.frameLocator(FRAME);
  await waitFor(
    async () => await widget.locator("li[data-failing]").count() === 1,
    "the widget to list the failing pipeline",
  );
  assert.equal(
    await widget.locator("li[data-failing]").getAttribute("data-failing"),
    "acme/web main CI",
  );
  assert.deepEqual(problems, []);
  await context.close();
});
