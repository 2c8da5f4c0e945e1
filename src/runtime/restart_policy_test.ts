import assert from "node:assert/strict";
import { afterCrash } from "./restart_policy.ts";

const POLICY = {
  crashBudget: { restarts: 3, windowMs: 60_000 },
  backoff: { initialMs: 100, maxMs: 250 },
};

Deno.test("afterCrash() backs off exponentially up to maxMs, forgetting crashes outside the window", () => {
  assert.deepEqual(afterCrash("p", [], 1_000, "x", POLICY), { crashes: [1_000], restartInMs: 100 });
  assert.deepEqual(afterCrash("p", [1_000], 2_000, "x", POLICY), {
    crashes: [1_000, 2_000],
    restartInMs: 200,
  });
  assert.equal(
    (afterCrash("p", [1_000, 2_000], 3_000, "x", POLICY) as { restartInMs: number }).restartInMs,
    250,
  );
  // The first crash left the window: it no longer counts.
  assert.deepEqual(afterCrash("p", [1_000, 2_000, 3_000], 61_500, "x", POLICY), {
    crashes: [2_000, 3_000, 61_500],
    restartInMs: 250,
  });
});

Deno.test("afterCrash() fails the plugin past its budget, naming the last reason and the fix", () => {
  const verdict = afterCrash("hello", [1, 2, 3], 4, "exited (exit code 1)", POLICY);
  assert.ok("failed" in verdict);
  assert.equal(
    verdict.failed,
    'crashed 4 times within 60 s; last: exited (exit code 1). Fix it, then run "plugd plugin restart hello"',
  );
});
