/**
 * Where each installed plugin came from: the registry it was resolved in (none for a `.tgz`
 * or a folder). Updates are looked up there, and a registry's advisories apply to the plugins
 * installed from it.
 */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";

/** The statement recording that `id@version` was installed from `registry` (in the install batch). */
export function originStatement(id: string, registry: string, version: string): InStatement {
  return {
    sql: `INSERT INTO plugin_origins (plugin_id, registry, version, recorded_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (plugin_id) DO UPDATE SET registry = excluded.registry,
            version = excluded.version, recorded_at = excluded.recorded_at`,
    args: [id, registry, version, new Date().toISOString()],
  };
}

/** The statement forgetting `id`'s registry (installed or updated from a file instead). */
export function clearOriginStatement(id: string): InStatement {
  return { sql: "DELETE FROM plugin_origins WHERE plugin_id = ?", args: [id] };
}

/** The registry `id` was installed from, or null. */
export async function originOf(store: Store, id: string): Promise<string | null> {
  const rs = await store.execute({
    sql: "SELECT registry FROM plugin_origins WHERE plugin_id = ?",
    args: [id],
  });
  return rs.rows[0] ? String(rs.rows[0].registry) : null;
}

/** Every installed plugin's registry, by plugin id. */
export async function allOrigins(store: Store): Promise<Map<string, string>> {
  const rs = await store.execute("SELECT plugin_id, registry FROM plugin_origins");
  return new Map(rs.rows.map((r) => [String(r.plugin_id), String(r.registry)]));
}
