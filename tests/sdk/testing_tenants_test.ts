/**
 * `@plugd/sdk/testing` runs handlers for a tenant as the daemon does: `ctx.tenant`, the tenant's
 * config (the plugin's with its overrides), its own storage and database, and emits that carry it;
 * a tenant the test did not name is refused, and so is an invalid tenant config.
 */
import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const FIXTURE = new URL("../fixtures/work/tenanted", import.meta.url).pathname;
const OPTS = { sanitizeOps: false, sanitizeResources: false };

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test(
  "@plugd/sdk/testing: handlers run for a tenant with its config, storage and database",
  OPTS,
  async () => {
    await using plugin = await startPlugin(FIXTURE, {
      config: { greeting: "hi" },
      tenants: { acme: { greeting: "hi acme", token: "s3cret" }, globex: {} },
    });
    const acme1 = await plugin.emit("work.ping", {}, { tenant: "acme" }) as Json;
    assert.deepEqual(acme1, {
      plugin: "tenanted",
      tenant: "acme",
      event_tenant: "acme",
      greeting: "hi acme",
      token: "s3cret",
      count: 1,
      db_rows: 1,
    });
    const acme2 = await plugin.emit("work.ping", {}, { tenant: "acme" }) as Json;
    assert.equal(acme2.count, 2);
    const globex = await plugin.emit("work.ping", {}, { tenant: "globex" }) as Json;
    assert.deepEqual([globex.tenant, globex.greeting, globex.token, globex.count, globex.db_rows], [
      "globex",
      "hi",
      null,
      1,
      1,
    ]);
    const own = await plugin.emit("work.ping") as Json;
    assert.deepEqual([own.tenant, own.count, own.db_rows], [null, 1, 1], "the plugin's own data");

    // The test sees each tenant's storage and database apart from the plugin's own.
    assert.equal(plugin.host.tenantStorage.get("acme")?.get("count"), 2);
    assert.equal(plugin.host.tenantStorage.get("globex")?.get("count"), 1);
    assert.equal(plugin.host.storage.get("tenanted")?.get("count"), 1);
    const hits = await plugin.db.execute("SELECT COUNT(*) AS n FROM hits", [], { tenant: "acme" });
    assert.equal(hits.rows[0]!.n, 2);
    assert.equal((await plugin.db.execute("SELECT COUNT(*) AS n FROM hits")).rows[0]!.n, 1);

    // Filters, gates and emits for a tenant.
    assert.deepEqual(await plugin.filter("work.shape", {}, { tenant: "acme" }), {
      by: ["tenanted:acme:hi acme"],
    });
    assert.deepEqual(await plugin.gate("work.check", {}, { tenant: "globex" }), {
      allow: true,
      reason: "tenanted for globex",
    });
    await plugin.emit("work.relay", {}, { tenant: "acme" });
    const relayed = plugin.host.emitted.find((e) => e.type === "relay.done");
    assert.deepEqual([relayed?.tenant, relayed?.data], ["acme", { from: "acme" }]);

    // A tenant the test did not name is refused, as the daemon refuses an unknown tenant.
    await assert.rejects(
      plugin.emit("work.ping", {}, { tenant: "initech" }),
      /"initech" is not a tenant of this test/,
    );
  },
);

Deno.test(
  "@plugd/sdk/testing: an invalid tenant config fails the start with the tenant named",
  OPTS,
  async () => {
    await assert.rejects(
      startPlugin(FIXTURE, { tenants: { acme: { greeting: 7 } } }),
      /Invalid config for tenant "acme".*greeting/,
    );
  },
);
