/**
 * `/ui/tasks`: the task list (filters and cursor paging of `GET /v1/tasks`), a task's page (its
 * attempts linked to their execution records) and the cancel button's POST. Everything goes
 * through the API as the session, so its scope checks and its 409 for an ended task apply.
 */
import type { Context, Hono } from "hono";
import type { TaskView } from "../../tasks/mod.ts";
import { ApiProblem, type ConsoleApi } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import { TaskPage } from "../pages/task_page.tsx";
import { type TaskFilters, type TaskListPage, TasksPage } from "../pages/tasks_page.tsx";
import type { ConsoleEnv } from "../types.ts";
import { query } from "../ui/work_ui.tsx";
import { mustOperate } from "./plugin_action_routes.tsx";

/** Tasks a list page shows. */
const PAGE_SIZE = 50;

function filtersOf(c: Context<ConsoleEnv>): TaskFilters {
  const q = (name: string, max: number) => (c.req.query(name) ?? "").trim().slice(0, max);
  return {
    type: q("type", 200),
    status: q("status", 20),
    scope: q("scope", 10),
    since: q("since", 40),
    cursor: q("cursor", 200),
  };
}

/** Running local tasks on a list page whose live progress is read (the list has stored rows). */
const LIVE_PROGRESS = 10;

/**
 * A listed task carries the progress stored when its attempt ended; a running one's live progress
 * is in the daemon's memory, which `GET /v1/tasks/{id}` reads. Fleet tasks are left as listed
 * (each read would be a NATS request).
 */
async function withLiveProgress(api: ConsoleApi, tasks: TaskView[]): Promise<void> {
  const running = tasks.filter((t) => t.status === "running" && t.scope !== "fleet")
    .slice(0, LIVE_PROGRESS);
  await Promise.all(running.map(async (t) => {
    try {
      t.progress = (await api.get<TaskView>(`/v1/tasks/${encodeURIComponent(t.id)}`)).progress;
    } catch {
      // Ended and gone meanwhile, or unreadable: the listed row stays as it is.
    }
  }));
}

/** Registers the tasks pages and the cancel action. */
export function tasksRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/tasks", async (c) => {
    const filters = filtersOf(c);
    const path = `/v1/tasks${query({ ...filters, limit: String(PAGE_SIZE) })}`;
    let page: TaskListPage;
    let status = 200;
    try {
      page = await kit.api(c).get<TaskListPage>(path);
    } catch (error) {
      // A bad filter is the API's 400: shown above the form as typed, with an empty list.
      if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
      page = { tasks: [], next: null, error: error.message };
      status = 400;
    }
    await withLiveProgress(kit.api(c), page.tasks);
    return await kit.render(
      c,
      <TasksPage ctx={kit.page(c)} filters={filters} page={page} />,
      status,
    );
  });

  app.get("/ui/tasks/:id", async (c) => {
    const id = c.req.param("id").slice(0, 200);
    const api = kit.api(c);
    const task = await api.get<TaskView>(`/v1/tasks/${encodeURIComponent(id)}`);
    // Each attempt left a record on the host that ran it: link those this host has.
    const { executions } = await api.get<{ executions: { id: number; attempt: number }[] }>(
      `/v1/executions${query({ task: task.id, kind: "task", limit: "100" })}`,
    );
    const records = new Map(executions.map((e) => [e.attempt, e.id]));
    return await kit.render(c, <TaskPage ctx={kit.page(c)} task={task} records={records} />);
  });

  app.post("/ui/tasks/:id/cancel", async (c) => {
    mustOperate(c);
    const id = c.req.param("id").slice(0, 200);
    const self = `/ui/tasks/${encodeURIComponent(id)}`;
    try {
      const { body } = await kit.api(c).send<TaskView>(
        "POST",
        `/v1/tasks/${encodeURIComponent(id)}/cancel`,
      );
      return kit.done(
        c,
        self,
        body.status === "cancelled"
          ? { kind: "ok", text: `Task ${id} cancelled` }
          : { kind: "ok", text: `Cancel asked; task ${id} is still ${body.status}` },
      );
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const to = error.status === 404 ? "/ui/tasks" : self;
      return kit.done(c, to, { kind: "error", text: `Not cancelled: ${error.message}` });
    }
  });
}
