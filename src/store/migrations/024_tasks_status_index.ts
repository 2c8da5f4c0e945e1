import type { Migration } from "../types.ts";

/**
 * `GET /v1/tasks?status=…` reads a page through `tasks_status_created` in the page's order
 * (newest first, `id` breaking ties) and stops at its limit. Without it a queued page read every
 * queued task through `tasks_due` and sorted them (176 ms with 50,000 queued of 100,000 tasks),
 * and any other status walked `tasks_created` until it had a page, the whole table when few
 * matched (docs/performance.md, "Tasks (issue 23, eleventh round)").
 */
export const migration024: Migration = {
  version: 24,
  name: "tasks_status_index",
  statements: [`CREATE INDEX tasks_status_created ON tasks (status, created_at, id)`],
};
