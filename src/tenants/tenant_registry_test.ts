import assert from "node:assert/strict";
import { queryAudit } from "../audit/mod.ts";
import { openStore } from "../store/mod.ts";
import { TenantConflictError, TenantNotFoundError, UnknownTenantError } from "./errors.ts";
import { TenantRegistry } from "./tenant_registry.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

Deno.test("TenantRegistry adds, checks and removes tenants, each change audited", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const store = await openStore(`file:${dir}/plugd.db`);
  try {
    const tenants = new TenantRegistry(store);
    await assert.rejects(tenants.require("acme", "the event's tenant"), (e: Error) => {
      assert.ok(e instanceof UnknownTenantError);
      assert.match(
        e.message,
        /the event's tenant "acme" is not a registered tenant.*tenant add acme/,
      );
      return true;
    });
    const added = await tenants.add({ id: "acme", name: "ACME Inc." }, "admin");
    assert.equal(added.name, "ACME Inc.");
    assert.equal(await tenants.require("acme"), "acme");
    await assert.rejects(tenants.add({ id: "acme" }, "admin"), TenantConflictError);
    await assert.rejects(tenants.add({ id: "Bad Id" }, "admin"), RangeError);
    await assert.rejects(tenants.require(7), UnknownTenantError);
    assert.deepEqual((await tenants.list()).map((t) => t.id), ["acme"]);
    // A second registry reads what the first wrote (the set is loaded from the table).
    assert.equal(await new TenantRegistry(store).has("acme"), true);

    await tenants.remove("acme", "admin", { detail: { purge: false } });
    assert.equal(await tenants.has("acme"), false);
    await assert.rejects(tenants.remove("acme", "admin"), TenantNotFoundError);
    const rows = await queryAudit(store, { action: "tenant.*" });
    assert.deepEqual(rows.map((r) => r.action), ["tenant.add", "tenant.remove"]);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
