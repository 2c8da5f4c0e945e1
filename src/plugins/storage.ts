import type { Store } from "../store/mod.ts";

/** Per-plugin storage quota (SPEC §8: 10 MiB). */
export const STORAGE_QUOTA_BYTES = 10 * 1024 * 1024;
const MAX_KEY_LENGTH = 512;

/** Thrown to the plugin when a storage call is invalid or over quota. */
export class StorageError extends Error {
  override name = "StorageError";
}

function checkKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new StorageError(`storage keys must be strings of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

/** Where a namespace's rows live: the plugin's own table, or the tenant table with its tenant. */
function scope(
  pluginId: string,
  tenant: string | null,
): { table: string; where: string; args: string[] } {
  return tenant === null
    ? { table: "plugin_storage", where: "plugin_id = ?", args: [pluginId] }
    : { table: "tenant_storage", where: "plugin_id = ? AND tenant = ?", args: [pluginId, tenant] };
}

/**
 * Key-value storage scoped to one plugin, and within it to one tenant for calls made for a
 * tenant: the plugin id and tenant always come from the process and the call in flight, never
 * from the call's arguments. Each namespace (plugin, or plugin and tenant) has its own quota.
 */
export class PluginStorage {
  #store: Store;
  #quota: number;

  constructor(store: Store, quotaBytes = STORAGE_QUOTA_BYTES) {
    this.#store = store;
    this.#quota = quotaBytes;
  }

  async get(pluginId: string, key: unknown, tenant: string | null = null): Promise<unknown> {
    const s = scope(pluginId, tenant);
    const rs = await this.#store.execute({
      sql: `SELECT value FROM ${s.table} WHERE ${s.where} AND key = ?`,
      args: [...s.args, checkKey(key)],
    });
    const row = rs.rows[0];
    return row ? JSON.parse(String(row.value)) : null;
  }

  async set(pluginId: string, key: unknown, value: unknown, tenant: string | null = null) {
    const k = checkKey(key);
    if (value === undefined) throw new StorageError("storage values must be JSON (not undefined)");
    const text = JSON.stringify(value);
    const size = k.length + text.length;
    const s = scope(pluginId, tenant);
    const columns = tenant === null ? "plugin_id" : "plugin_id, tenant";
    await this.#store.write(async () => {
      const rs = await this.#store.execute({
        sql: `SELECT COALESCE(SUM(size), 0) AS used,
                COALESCE(SUM(CASE WHEN key = ? THEN size ELSE 0 END), 0) AS mine
              FROM ${s.table} WHERE ${s.where}`,
        args: [k, ...s.args],
      });
      const used = Number(rs.rows[0]?.used ?? 0) - Number(rs.rows[0]?.mine ?? 0);
      if (used + size > this.#quota) {
        throw new StorageError(
          `storage quota of ${this.#quota} bytes exceeded (${used} used, ${size} more asked); ` +
            "delete keys you no longer need",
        );
      }
      return {
        statements: [{
          sql: `INSERT INTO ${s.table} (${columns}, key, value, size, updated_at)
                VALUES (${s.args.map(() => "?").join(", ")}, ?, ?, ?, ?)
                ON CONFLICT (${columns}, key) DO UPDATE SET value = excluded.value,
                  size = excluded.size, updated_at = excluded.updated_at`,
          args: [...s.args, k, text, size, new Date().toISOString()],
        }],
      };
    });
  }

  async delete(pluginId: string, key: unknown, tenant: string | null = null): Promise<boolean> {
    const k = checkKey(key);
    const s = scope(pluginId, tenant);
    return await this.#store.write(async () => {
      const existing = await this.get(pluginId, k, tenant);
      return {
        statements: [{
          sql: `DELETE FROM ${s.table} WHERE ${s.where} AND key = ?`,
          args: [...s.args, k],
        }],
        value: existing !== null,
      };
    });
  }

  async list(pluginId: string, prefix: unknown = "", tenant: string | null = null) {
    if (typeof prefix !== "string") throw new StorageError("storage.list prefix must be a string");
    const s = scope(pluginId, tenant);
    const rs = await this.#store.execute({
      sql: `SELECT key FROM ${s.table} WHERE ${s.where} AND substr(key, 1, ?) = ?
            ORDER BY key LIMIT 10000`,
      args: [...s.args, prefix.length, prefix],
    });
    return rs.rows.map((r) => String(r.key));
  }

  /** Bytes used by a plugin (its own namespace, or one tenant's). */
  async used(pluginId: string, tenant: string | null = null): Promise<number> {
    const s = scope(pluginId, tenant);
    const rs = await this.#store.execute({
      sql: `SELECT COALESCE(SUM(size), 0) AS used FROM ${s.table} WHERE ${s.where}`,
      args: s.args,
    });
    return Number(rs.rows[0]?.used ?? 0);
  }

  /** Removes all of a plugin's keys, its tenants' included (uninstall with purge). */
  async purge(pluginId: string): Promise<void> {
    await this.#store.write(() => ({
      statements: [
        { sql: "DELETE FROM plugin_storage WHERE plugin_id = ?", args: [pluginId] },
        { sql: "DELETE FROM tenant_storage WHERE plugin_id = ?", args: [pluginId] },
      ],
    }));
  }
}
