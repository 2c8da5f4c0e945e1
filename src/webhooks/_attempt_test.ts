import assert from "node:assert/strict";
import type { InStatement } from "@libsql/client";
import { RESET_FAILURES, withoutRepeatedResets } from "./_attempt.ts";

Deno.test("an endpoint's failure-count resets in one batch are written once, the last kept", () => {
  const inc = (id: string): InStatement => ({ sql: "UPDATE inc", args: [id] });
  const reset = (id: string): InStatement => ({ sql: RESET_FAILURES, args: [id] });
  const batch = [reset("a"), inc("a"), reset("b"), reset("a"), "PLAIN", inc("b")];
  assert.deepEqual(withoutRepeatedResets(batch), [
    inc("a"),
    reset("b"),
    reset("a"),
    "PLAIN",
    inc("b"),
  ]);
});
