import assert from "node:assert/strict";
import type { TaskView } from "../../tasks/mod.ts";
import { AssetTable } from "../assets.ts";
import { ConsoleExtensions } from "../extensions.ts";
import { abilities } from "../kit.ts";
import type { PageContext } from "../ui/page.ts";
import { TaskPage } from "./task_page.tsx";
import { TasksPage } from "./tasks_page.tsx";

async function context(scope: "reader" | "operator"): Promise<PageContext> {
  return {
    assets: await AssetTable.build(),
    extensions: new ConsoleExtensions(),
    session: {
      idHash: "h",
      tokenId: "t",
      tokenName: "test",
      scope,
      csrf: "c",
      createdAt: 0,
      expiresAt: Date.now() + 60_000,
    },
    can: abilities(scope),
    flash: [],
    dev: false,
  };
}

function task(overrides: Partial<TaskView>): TaskView {
  return {
    id: "01M8QCJW3H68XPQA8X2RKWSDZD",
    type: "image.resize",
    plugin: "resizer",
    tenant: null,
    status: "running",
    priority: 0,
    idempotency_key: null,
    input: null,
    result: null,
    error: null,
    progress: { fraction: 0.25, message: "tile 1 of 4" },
    attempts: [],
    created_at: "2026-11-30T10:00:00.000Z",
    started_at: "2026-11-30T10:00:01.000Z",
    finished_at: null,
    next_attempt_at: null,
    ...overrides,
  };
}

async function html(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

const fleetTask = task({
  id: "01M8QCJW3H68XPQA8X2RKWSFLT",
  scope: "fleet",
  host: "host-b",
  accepted_by: "host-a",
  attempts: [{
    attempt: 1,
    status: "interrupted",
    started_at: "2026-11-30T10:00:01.000Z",
    duration_ms: 900,
    error: "host host-c stopped answering",
  }],
});

Deno.test("TasksPage marks fleet tasks with the host that runs them", async () => {
  const filters = { type: "", status: "", scope: "", since: "", cursor: "" };
  const page = { tasks: [task({}), fleetTask], next: null };
  const out = await html(<TasksPage ctx={await context("reader")} filters={filters} page={page} />);
  const rows = out.split("<tr data-task=").slice(1);
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /<span class="muted">local<\/span>/);
  assert.doesNotMatch(rows[0]!, /data-fleet/);
  assert.match(rows[1]!, /data-fleet="true">fleet<\/span> <span class="mono small">host-b/);
  assert.match(out, /hx-trigger="every 5s"/, "a running task keeps the first page live");
});

Deno.test("TaskPage shows a fleet task's hosts; Cancel only for operators", async () => {
  const records = new Map<number, number>();
  const asReader = await html(
    <TaskPage ctx={await context("reader")} task={fleetTask} records={records} />,
  );
  assert.match(asReader, /runs on <span class="mono">host-b<\/span>, accepted by/);
  assert.match(asReader, /on its host/, "no record here for another host's attempt");
  assert.doesNotMatch(asReader, /Cancel task/);
  const asOperator = await html(
    <TaskPage ctx={await context("operator")} task={fleetTask} records={records} />,
  );
  assert.match(asOperator, /action="\/ui\/tasks\/01M8QCJW3H68XPQA8X2RKWSFLT\/cancel"/);
  const ended = await html(
    <TaskPage
      ctx={await context("operator")}
      task={task({ status: "succeeded", finished_at: "2026-11-30T10:00:02.000Z" })}
      records={records}
    />,
  );
  assert.doesNotMatch(ended, /Cancel task|hx-trigger/);
});
