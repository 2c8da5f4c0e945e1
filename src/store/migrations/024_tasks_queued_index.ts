import type { Migration } from "../types.ts";

/**
 * `GET /v1/tasks?status=queued` reads a page of queued tasks through `tasks_queued_created` in
 * the page's order (newest first, `id` breaking ties) and stops at its limit. Before, it read
 * every queued task through `tasks_due` and sorted them all (80-180 ms with 50,000 queued of
 * 100,000 tasks). Only queued tasks are in it: an index on every status moved an entry at each
 * claim and each finish too (docs/performance.md, "Tasks (issue 23, eleventh round)").
 */
export const migration024: Migration = {
  version: 24,
  name: "tasks_queued_index",
  statements: [
    `CREATE INDEX tasks_queued_created ON tasks (created_at, id) WHERE status = 'queued'`,
  ],
};
