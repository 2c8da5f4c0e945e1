/**
 * `/ui/executions`: execution records newest first with the filters of `GET /v1/executions`
 * (plugin, kind, status, since; a task's or an event's records from links), cursor paging, and a
 * record's page. Reads go through the API as the session (reader scope).
 */
import type { Context, Hono } from "hono";
import type { ExecutionRecord } from "../../executions/mod.ts";
import { ApiProblem } from "../api_client.ts";
import type { ConsoleKit } from "../kit.ts";
import { ExecutionPage } from "../pages/execution_page.tsx";
import {
  type ExecutionFilters,
  type ExecutionListPage,
  ExecutionsPage,
} from "../pages/executions_page.tsx";
import type { ConsoleEnv } from "../types.ts";
import { query } from "../ui/work_ui.tsx";

/** Records a list page shows. */
const PAGE_SIZE = 50;

function filtersOf(c: Context<ConsoleEnv>): ExecutionFilters {
  const q = (name: string, max: number) => (c.req.query(name) ?? "").trim().slice(0, max);
  return {
    plugin: q("plugin", 100),
    kind: q("kind", 20),
    status: q("status", 20),
    since: q("since", 40),
    task: q("task", 200),
    event: q("event", 200),
    cursor: q("cursor", 200),
  };
}

/** Registers the executions pages. */
export function executionsRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/executions", async (c) => {
    const filters = filtersOf(c);
    const path = `/v1/executions${query({ ...filters, limit: String(PAGE_SIZE) })}`;
    let page: ExecutionListPage;
    let status = 200;
    try {
      page = await kit.api(c).get<ExecutionListPage>(path);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
      page = { executions: [], next: null, error: error.message };
      status = 400;
    }
    return await kit.render(
      c,
      <ExecutionsPage ctx={kit.page(c)} filters={filters} page={page} />,
      status,
    );
  });

  app.get("/ui/executions/:id", async (c) => {
    const id = c.req.param("id").slice(0, 40);
    const record = await kit.api(c).get<ExecutionRecord>(
      `/v1/executions/${encodeURIComponent(id)}`,
    );
    return await kit.render(c, <ExecutionPage ctx={kit.page(c)} record={record} />);
  });
}
