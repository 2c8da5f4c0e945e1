import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore, type Store } from "../store/mod.ts";
import { assessRisks, highestRisk } from "../permissions/mod.ts";
import { minimal, valid } from "../manifest/_testing.ts";
import type { Manifest } from "../manifest/mod.ts";
import type { PluginCounters } from "../runtime/mod.ts";
import { listPlugins, setStateStatement, upsertPluginStatement } from "./repository.ts";
import { type ListSources, listSummaries, SummaryFactsCache } from "./plugin_list.ts";
import type { PluginRecord, PluginState } from "./types.ts";

// The list as it was built before the facts cache: every record read whole, every manifest parsed
// and assessed at each call. The new list must answer exactly this, key order included.
async function before(store: Store, sources: ListSources): Promise<unknown[]> {
  return await Promise.all((await listPlugins(store)).map(async (p) => {
    const counters = sources.counters(p.id);
    const summary = {
      id: p.id,
      name: p.manifest.name,
      version: p.version,
      state: p.state,
      failed_reason: p.failedReason,
      tenants: p.tenants ?? "all",
      description: p.manifest.description,
      granted: p.granted !== null,
      runtime: counters?.degraded && counters.state === "running"
        ? "degraded"
        : counters?.state ?? "stopped",
      health: counters?.health ?? null,
      signed_by: p.signedBy,
      risk: highestRisk(
        assessRisks(p.manifest.permissions, { shell: p.manifest.kind === "system" }),
      ),
      invocations: counters?.invocations ?? 0,
      errors: counters?.errors ?? 0,
      restarts: counters?.restarts ?? 0,
      denials: (counters?.denied ?? 0) + sources.emitDenied(p.id),
    };
    return p.manifest.kind === "system" ? { ...summary, ...await sources.addonView(p) } : summary;
  }));
}

const COUNTERS: Record<string, PluginCounters> = {
  "p-running": {
    state: "running",
    invocations: 7,
    errors: 1,
    timeouts: 0,
    restarts: 2,
    denied: 3,
    health: { status: "ok" },
  },
  "p-degraded": {
    state: "running",
    invocations: 1,
    errors: 4,
    timeouts: 1,
    restarts: 0,
    denied: 0,
    degraded: true,
    health: { status: "unhealthy", error: "db down" },
  },
};

const sources: ListSources = {
  counters: (id) => COUNTERS[id],
  emitDenied: (id) => (id === "p-running" ? 5 : 0),
  addonView: (record) =>
    Promise.resolve({
      addon: { installed: false, version: record.version },
      health: { status: "ok", message: `addon ${record.id}`, at: "2026-01-01T00:00:00.000Z" },
    }),
};

function manifest(id: string, extra: Record<string, unknown> = {}): Manifest {
  return valid(minimal({ id, name: `Plugin ${id}`, ...extra }));
}

async function put(
  store: Store,
  m: Manifest,
  o: { state?: PluginState; digest?: string; signedBy?: string | null; failed?: string } = {},
): Promise<void> {
  const record: Omit<PluginRecord, "granted"> = {
    id: m.id,
    version: m.version,
    state: o.state ?? "installed",
    manifest: m,
    source: `/src/${m.id}`,
    digest: o.digest ?? `sha256:${m.id}-${m.version}`,
    signedBy: o.signedBy ?? null,
    failedReason: o.failed ?? null,
    installedAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
  await store.write(() => ({ statements: [upsertPluginStatement(record)] }));
}

async function sql(store: Store, sql: string, args: string[] = []): Promise<void> {
  await store.write(() => ({ statements: [{ sql, args }] }));
}

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-plugin-list-" });
  try {
    await using store = await openStore(`file:${join(dir, "plugd.db")}`);
    await fn(store);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function assertSameAsBefore(store: Store, cache: SummaryFactsCache): Promise<unknown[]> {
  const expected = await before(store, sources);
  const actual = await listSummaries(store, cache, sources);
  assert.deepStrictEqual(actual, expected);
  // Byte for byte as the route serialises it (key order, absent keys).
  assert.deepStrictEqual(JSON.stringify(actual), JSON.stringify(expected));
  return actual;
}

Deno.test("listSummaries() answers as the old list did, for plugins in every state", async () => {
  await withStore(async (store) => {
    const cache = new SummaryFactsCache();
    assert.deepStrictEqual(await listSummaries(store, cache, sources), []);
    await put(store, manifest("p-installed"));
    await put(store, manifest("p-running", { permissions: { net: ["api.example.com"] } }), {
      state: "enabled",
      signedBy: "key-1",
    });
    await put(store, manifest("p-degraded", { permissions: { env: ["HOME"] } }), {
      state: "enabled",
    });
    await put(store, manifest("p-failed"), { state: "failed", failed: "crashed 5 times" });
    await put(store, manifest("p-disabled"), { state: "disabled" });
    await put(store, manifest("p-tenants"), { state: "enabled" });
    await put(store, manifest("p-no-tenant"));
    await put(store, { ...manifest("p-addon"), kind: "system" } as Manifest, { state: "enabled" });
    await sql(
      store,
      `INSERT INTO grants (plugin_id, permissions, granted_by, granted_at)
        SELECT id, '{}', 'admin', '2026-01-01' FROM plugins WHERE state = 'enabled'`,
    );
    for (const [id, tenant] of [["p-tenants", "beta"], ["p-tenants", "acme"]]) {
      await sql(store, "INSERT INTO plugin_tenants VALUES (?, ?, '2026-01-01')", [id!, tenant!]);
    }
    for (const id of ["p-tenants", "p-no-tenant"]) {
      await sql(store, "INSERT INTO tenant_scopes VALUES (?, '2026-01-01')", [id]);
    }
    const cold = await assertSameAsBefore(store, cache);
    assert.deepStrictEqual(cold.length, 8);
    assert.deepStrictEqual(cache.size, 8);
    // Warm: facts from the cache, the rows read again.
    assert.deepStrictEqual(await assertSameAsBefore(store, cache), cold);
  });
});

Deno.test("listSummaries() follows updates, dev reloads, grants, removals and reinstalls", async () => {
  await withStore(async (store) => {
    const cache = new SummaryFactsCache();
    await put(store, manifest("pa"));
    await put(store, manifest("pb", { permissions: { net: ["x.example.com"] } }));
    await assertSameAsBefore(store, cache);
    // An update: new version, name, description and permissions.
    await put(
      store,
      manifest("pa", {
        version: "2.0.0",
        name: "A renamed",
        description: "second",
        permissions: { run: ["/usr/bin/git"] },
      }),
    );
    let list = await assertSameAsBefore(store, cache) as Record<string, unknown>[];
    assert.deepStrictEqual([list[0]!.name, list[0]!.version, list[0]!.description], [
      "A renamed",
      "2.0.0",
      "second",
    ]);
    // A dev reload: the same version with a new digest and a changed manifest.
    await put(store, manifest("pb", { description: "reloaded" }), { digest: "sha256:pb-dev-2" });
    list = await assertSameAsBefore(store, cache) as Record<string, unknown>[];
    assert.deepStrictEqual([list[1]!.description, list[1]!.risk], ["reloaded", "low"]);
    // A grant, a state change, a tenant scope: columns read at every call.
    await sql(store, "INSERT INTO grants VALUES ('pa', '{}', 'admin', '2026-01-01')");
    await store.write(() => ({ statements: [setStateStatement("pb", "failed", "boom")] }));
    await sql(store, "INSERT INTO tenant_scopes VALUES ('pb', '2026-01-01')");
    list = await assertSameAsBefore(store, cache) as Record<string, unknown>[];
    assert.deepStrictEqual([list[0]!.granted, list[1]!.state, list[1]!.tenants], [
      true,
      "failed",
      [],
    ]);
    // An install and a removal: the removed version's facts are dropped.
    await put(store, manifest("pc"));
    await sql(store, "DELETE FROM plugins WHERE id = 'pa'");
    list = await assertSameAsBefore(store, cache) as Record<string, unknown>[];
    assert.deepStrictEqual(list.map((s) => s.id), ["pb", "pc"]);
    assert.deepStrictEqual(cache.size, 2);
    // Reinstalled at its first version: its facts again, not those of 2.0.0.
    await put(store, manifest("pa"));
    list = await assertSameAsBefore(store, cache) as Record<string, unknown>[];
    assert.deepStrictEqual([list[0]!.name, list[0]!.version], ["Plugin pa", "1.0.0"]);
  });
});
