/**
 * The console's Tasks and Executions pages over plain HTTP, with a real daemon and a real
 * sandboxed task processor: the list with its filters and cursor pages, a task's page with its
 * attempts linked to their records, the records' list and pages, problem pages for unknown ids
 * and bad filters, and an operator's cancel (then the 409 once the task has ended).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { createToken } from "../operator/_helpers.ts";
import { installAndEnable, type Json, OPTS, socketJson } from "../surfaces/_surfaces.ts";
import { assertNoInlineScript, ConsoleClient } from "./_console.ts";

const FIXTURE = new URL("../fixtures/console/tasks", import.meta.url).pathname;

Deno.test(
  "console: tasks and executions pages list, filter, page and show records",
  OPTS,
  async () => {
    await using d = await startDaemon();
    await installAndEnable(d, FIXTURE);
    const run = async (input: Json) => {
      const r = await socketJson(d, "POST", "/v1/tasks/console.job?wait=60", { input });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const ok = await run({ result: { size: 42 } });
    const refused = await run({ refuse: "input can never work" });
    assert.equal(refused.status, "failed");
    // 50 more, so the list has a second page (50 a page).
    for (let i = 0; i < 50; i++) {
      const r = await socketJson(d, "POST", "/v1/tasks/console.job", { input: { n: i } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    for (const id of [ok.id, refused.id]) {
      // Records are written behind the task's end.
      await waitFor(async () => {
        const r = await socketJson(d, "GET", `/v1/executions?task=${id}`);
        return r.body.executions.length === 1;
      }, `the execution record of task ${id}`);
    }
    const ui = new ConsoleClient(d.baseUrl);
    await ui.signIn(d.token);

    const first = await ui.page("/ui/tasks");
    assertNoInlineScript(first.html, "tasks page");
    assert.match(first.html, /aria-current="page">Tasks</, "Tasks is the current section");
    assert.equal(first.html.match(/<tr data-task=/g)?.length, 50, "50 tasks a page");
    const older = /href="(\/ui\/tasks\?cursor=[^"]+)">Older tasks/.exec(first.html)?.[1];
    assert.ok(older, "a link to the older page");
    const second = await ui.page(older!.replaceAll("&amp;", "&"));
    assert.equal(second.html.match(/<tr data-task=/g)?.length, 2, "the two oldest on page 2");
    assert.ok(second.html.includes(`data-task="${ok.id}"`) && second.html.includes(refused.id));
    assert.match(second.html, />Newest</);

    const failed = await ui.page("/ui/tasks?status=failed&type=console.job&since=1h");
    assert.equal(failed.html.match(/<tr data-task=/g)?.length, 1, "only the refused task");
    assert.match(failed.html, new RegExp(`data-task="${refused.id}" data-status="failed"`));
    assert.match(failed.html, /<option value="failed" selected>/, "the filter is kept");

    for (const bad of ["/ui/tasks?status=bogus", "/ui/tasks?since=last-tuesday"]) {
      const res = await ui.fetch(bad);
      const html = await res.text();
      assert.equal(res.status, 400, `${bad}: ${res.status}`);
      assert.match(html, /class="flash flash-error" role="alert"/, `${bad} says why`);
      assert.match(html, /Fix the filter above/);
    }

    const task = await ui.page(`/ui/tasks/${ok.id}`);
    assertNoInlineScript(task.html, "task page");
    assert.match(task.html, /data-status="succeeded"/);
    assert.match(task.html, /&quot;size&quot;: 42/, "the result");
    assert.doesNotMatch(task.html, /Cancel task/, "no cancel once it ended");
    assert.doesNotMatch(task.html, /hx-trigger/, "no refresh once it ended");
    const record = /<tr data-attempt="1">[\s\S]*?href="\/ui\/executions\/(\d+)"/.exec(task.html)
      ?.[1];
    assert.ok(record, "the attempt links its execution record");
    const failedPage = await ui.page(`/ui/tasks/${refused.id}`);
    assert.match(failedPage.html, /input can never work/);

    const missing = await ui.fetch("/ui/tasks/no-such-task");
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /No task with id &quot;no-such-task&quot;/);

    const records = await ui.page("/ui/executions?plugin=console-tasks&kind=task&status=error");
    assertNoInlineScript(records.html, "executions page");
    assert.equal(records.html.match(/<tr data-execution=/g)?.length, 1, "the refused attempt");
    assert.ok(records.html.includes(`href="/ui/tasks/${refused.id}"`), "linked to its task");
    const byTask = await ui.page(`/ui/executions?task=${ok.id}`);
    assert.ok(byTask.html.includes(`data-execution="${record}"`));

    const detail = await ui.page(`/ui/executions/${record}`);
    assertNoInlineScript(detail.html, "execution page");
    assert.match(detail.html, /data-status="ok"/);
    assert.match(detail.html, /&quot;size&quot;: 42/, "the output preview");
    assert.ok(detail.html.includes(`href="/ui/tasks/${ok.id}"`), "linked to its task");

    for (const path of ["/ui/executions/999999", "/ui/executions/abc"]) {
      const res = await ui.fetch(path);
      assert.equal(res.status, 404, path);
      assert.match(await res.text(), /No execution record/);
    }
    const badKind = await ui.fetch("/ui/executions?kind=bogus");
    assert.equal(badKind.status, 400);
    assert.match(await badKind.text(), /kind/);

    const plugin = await ui.page("/ui/plugins/console-tasks");
    assert.match(plugin.html, /href="\/ui\/executions\?plugin=console-tasks">Executions</);
    assert.match(plugin.html, /href="\/ui\/tasks\?type=console.job">console.job</, "its task type");
  },
);

Deno.test(
  "console: an operator cancels a running task; an ended one answers 409",
  OPTS,
  async () => {
    await using d = await startDaemon();
    await installAndEnable(d, FIXTURE);
    const operator = await createToken(d, "operator");
    const accepted = await socketJson(d, "POST", "/v1/tasks/console.job", {
      input: { message: "holding", hold_ms: 290_000 },
    });
    const id = accepted.body.id as string;
    await waitFor(async () => {
      const t = (await socketJson(d, "GET", `/v1/tasks/${id}`)).body;
      return t.status === "running" && t.progress?.message === "holding";
    }, "the task running with its progress");
    const ui = new ConsoleClient(d.baseUrl);
    await ui.signIn(operator.token);

    const running = await ui.page(`/ui/tasks/${id}`);
    assert.match(running.html, /hx-trigger="every 2s"/, "refreshed while it runs");
    assert.match(running.html, /<progress value="0.5" max="1"/);
    assert.match(running.html, /holding/);
    assert.match(running.html, new RegExp(`action="/ui/tasks/${id}/cancel"`));

    const cancel = await ui.post(`/ui/tasks/${id}/cancel`, { _csrf: running.csrf });
    await cancel.body?.cancel();
    assert.equal(cancel.status, 303);
    assert.equal(cancel.headers.get("location"), `/ui/tasks/${id}`);
    const flashed = await ui.page(`/ui/tasks/${id}`);
    // The API waits up to 10 s for a running attempt to stop; a loaded machine may take longer.
    assert.match(flashed.html, /class="flash flash-ok"[^>]*>(Task \S+ cancelled|Cancel asked)/);
    await waitFor(async () => {
      return (await socketJson(d, "GET", `/v1/tasks/${id}`)).body.status === "cancelled";
    }, "the task cancelled");
    const after = await ui.page(`/ui/tasks/${id}`);
    assert.match(after.html, /<div id="task" data-status="cancelled">/);

    const again = await ui.post(`/ui/tasks/${id}/cancel`, { _csrf: after.csrf });
    await again.body?.cancel();
    assert.equal(again.status, 303);
    const refused = await ui.page(`/ui/tasks/${id}`);
    assert.match(refused.html, /class="flash flash-error"[^>]*>Not cancelled: .*already cancelled/);
  },
);
