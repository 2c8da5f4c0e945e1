import assert from "node:assert/strict";
import { MAX_TASK_JSON, taskInputJson } from "./task_store.ts";
import { TaskError } from "./types.ts";

Deno.test("taskInputJson() stores the input as JSON and refuses one over the limit with a 400", () => {
  assert.equal(taskInputJson({ a: 1 }), '{"a":1}');
  assert.equal(taskInputJson(undefined), "null");
  assert.throws(
    () => taskInputJson("x".repeat(MAX_TASK_JSON)),
    (error: unknown) =>
      error instanceof TaskError && error.status === 400 && /Pass a reference/.test(error.message),
  );
});
