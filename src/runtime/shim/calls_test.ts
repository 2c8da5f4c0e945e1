import assert from "node:assert/strict";
import { callTraits } from "./calls.ts";
import { CALL_KINDS } from "./wire.ts";

Deno.test("callTraits(): health checks never arm the idle release; only commands and tasks can be cancelled", () => {
  for (const kind of CALL_KINDS) {
    assert.deepEqual(callTraits(kind), {
      cancellable: kind === "command" || kind === "task",
      work: kind !== "health",
    }, kind);
  }
  assert.equal(callTraits("health").work, false);
  assert.equal(callTraits("action").work, true);
});
