import { equal as assertEquals, ok as assert } from "node:assert/strict";
import { tenantIdProblem } from "./tenant_id.ts";

Deno.test("tenantIdProblem() accepts lowercase ids and names what is wrong with others", () => {
  for (const ok of ["acme", "a", "globex-2", "0day"]) assertEquals(tenantIdProblem(ok), null);
  for (const bad of ["", "Acme", "-acme", "a/b", "a:b", "a@b", "x".repeat(64), 7, null]) {
    const problem = tenantIdProblem(bad);
    assert(problem !== null, `${JSON.stringify(bad)} must be refused`);
  }
  assert(tenantIdProblem("Acme Corp")!.includes("lowercase"));
});
