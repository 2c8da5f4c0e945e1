import assert from "node:assert/strict";
import { mergePages, parseCursor, type TaskPage } from "./task_page.ts";

function page(times: number[], next: string | null = null): TaskPage {
  return {
    tasks: times.map((t) => ({
      id: `ID${String(t).padStart(4, "0")}`,
      type: "a.work",
      plugin: null,
      tenant: null,
      status: "queued" as const,
      priority: 0,
      idempotency_key: null,
      error: null,
      progress: null,
      attempts: [],
      created_at: new Date(t).toISOString(),
      started_at: null,
      finished_at: null,
      next_attempt_at: null,
    })),
    next,
  };
}

Deno.test("mergePages() interleaves two pages newest first and cuts at the limit", () => {
  const merged = mergePages(page([9, 7, 5]), page([8, 6, 4]), 4);
  assert.deepEqual(merged.tasks.map((t) => Date.parse(t.created_at)), [9, 8, 7, 6]);
  assert.equal(merged.next, "6.ID0006");
});

Deno.test("mergePages() has a next page when either side had one, and none when both ended", () => {
  assert.equal(mergePages(page([3, 2]), page([]), 2).next, null);
  assert.equal(mergePages(page([3, 2], "2.ID0002"), page([]), 2).next, "2.ID0002");
  assert.equal(mergePages(page([]), page([]), 2).next, null);
});

Deno.test("parseCursor() reads the cursor form and refuses others", () => {
  assert.deepEqual(parseCursor("12.ABC"), { ms: 12, id: "ABC" });
  assert.equal(parseCursor(undefined), null);
  assert.throws(() => parseCursor("12;DROP"), RangeError);
});
