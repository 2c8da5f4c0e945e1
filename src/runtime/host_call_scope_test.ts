import assert from "node:assert/strict";
import { callTenant, TenantScopeError } from "./_host_calls.ts";

Deno.test("callTenant() answers the tenant of a call in flight, null without one, refuses others", () => {
  const pending = new Map<number, { tenant?: string }>([[1, { tenant: "acme" }], [2, {}]]);
  assert.equal(callTenant(pending, undefined), null, "no call: plugin-wide");
  assert.equal(callTenant(pending, null), null);
  assert.equal(callTenant(pending, 1), "acme");
  assert.equal(callTenant(pending, 2), null, "a call without a tenant");
  for (const bad of [3, "1", 1.5, { id: 1 }]) {
    assert.throws(() => callTenant(pending, bad), TenantScopeError, JSON.stringify(bad));
  }
  pending.delete(1);
  assert.throws(() => callTenant(pending, 1), /not in flight/, "a call that ended");
});
