/**
 * ci-pipelines in headless Chromium against the real daemon: the "CI pipelines" page lists each
 * repo's pipelines with their last result and history, the overview widget lists the failing
 * ones, and a pipeline name full of HTML from a webhook is shown as text, never run. The Retry
 * button of a failed run asks the provider's API (a local stand-in) through the bridge as the
 * operator's session; a reader's page shows no Retry button, and a click forced on it is refused
 * by the console and reaches no API.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../helpers/browser.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { browserSignIn } from "../console/_console.ts";
import { installAndEnable, OPTS, waitFor } from "../surfaces/_surfaces.ts";
import { githubHeaders, pluginFor, startStandInApi, workflowRun } from "./_ci_pipelines.ts";

const FRAME = 'iframe[data-plugin="ci-pipelines"]';
const HOSTILE = `<img src=x onerror="parent.postMessage('pwned','*')">`;

Deno.test("browser: the ci-pipelines page and its failing-pipelines widget", OPTS, async () => {
  await using github = startStandInApi();
  await using d = await startDaemon();
  await installAndEnable(d, await pluginFor(`127.0.0.1:${github.port}`), {
    github: { webhook_secret: "s", token: "ghp_test", api_url: github.url },
  });
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

  // Retry: only the failed run has the button; a click asks GitHub (the stand-in) once.
  assert.equal(await frame.locator("button[data-retry]").count(), 2, "its lane and its run");
  assert.equal(await api.locator("button[data-retry]").count(), 0, "nothing to retry there");
  await web.locator("button[data-retry]").click();
  const outcome = web.locator("[data-retry-result]");
  await waitFor(
    async () => (await outcome.getAttribute("data-state")) === "done",
    "the retry's outcome on the page",
  );
  assert.equal(await outcome.textContent(), "Retry requested (the provider answered HTTP 201).");
  assert.deepEqual(github.calls.map((c) => `${c.method} ${c.path} ${c.headers.authorization}`), [
    "POST /repos/acme/web/actions/runs/2/rerun-failed-jobs Bearer ghp_test",
  ]);
  assert.equal(await web.locator("button[data-retry]").isDisabled(), true);

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

  // A reader session sees the page without a Retry button (the console tells the frame the
  // session may only read); a click forced on the hidden button is refused, and no API is called.
  const made = await d.fetch("/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "ci-reader", scope: "reader" }),
  });
  const reader = (await made.json()).token;
  const readerContext = await browser.newContext();
  const readerPage = await readerContext.newPage();
  await browserSignIn(readerPage, d, reader);
  await readerPage.goto(`${d.baseUrl}/ui/x/plugins/ci-pipelines/pages/pipelines`);
  const readerFrame = readerPage.frameLocator(FRAME);
  const readerWeb = readerFrame.locator('section[data-repo="acme/web"] tr[data-lane="main/CI"]');
  await waitFor(
    async () =>
      await readerFrame.locator("html[data-theme]").count() === 1 &&
      await readerWeb.locator("button[data-retry]").count() === 1,
    "the reader's page with its context from the console",
  );
  assert.equal(await readerWeb.locator("button[data-retry]").isHidden(), true, "no Retry shown");
  await readerWeb.locator("button[data-retry]").dispatchEvent("click");
  const refused = readerWeb.locator("[data-retry-result]");
  await waitFor(
    async () => (await refused.getAttribute("data-state")) === "error",
    "the reader's refused retry on the page",
  );
  assert.match(await refused.textContent() ?? "", /^Not allowed: this session may only read/);
  assert.equal(github.calls.length, 1, "the reader's click reached no API");
  await readerContext.close();
});
