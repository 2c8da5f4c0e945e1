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

/**
 * Key-value storage scoped to one plugin: the plugin id always comes from the process that
 * made the call, never from the call's arguments.
 */
export class PluginStorage {
  #store: Store;
  #quota: number;

  constructor(store: Store, quotaBytes = STORAGE_QUOTA_BYTES) {
    this.#store = store;
    this.#quota = quotaBytes;
  }

  async get(pluginId: string, key: unknown): Promise<unknown> {
    const rs = await this.#store.execute({
      sql: "SELECT value FROM plugin_storage WHERE plugin_id = ? AND key = ?",
      args: [pluginId, checkKey(key)],
    });
    const row = rs.rows[0];
    return row ? JSON.parse(String(row.value)) : null;
  }

  async set(pluginId: string, key: unknown, value: unknown): Promise<void> {
    const k = checkKey(key);
    if (value === undefined) throw new StorageError("storage values must be JSON (not undefined)");
    const text = JSON.stringify(value);
    const size = k.length + text.length;
    await this.#store.write(async () => {
      const rs = await this.#store.execute({
        sql: `SELECT COALESCE(SUM(size), 0) AS used,
                COALESCE(SUM(CASE WHEN key = ? THEN size ELSE 0 END), 0) AS mine
              FROM plugin_storage WHERE plugin_id = ?`,
        args: [k, pluginId],
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
          sql: `INSERT INTO plugin_storage (plugin_id, key, value, size, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value,
                  size = excluded.size, updated_at = excluded.updated_at`,
          args: [pluginId, k, text, size, new Date().toISOString()],
        }],
      };
    });
  }

  async delete(pluginId: string, key: unknown): Promise<boolean> {
    const k = checkKey(key);
    return await this.#store.write(async () => {
      const existing = await this.get(pluginId, k);
      return {
        statements: [{
          sql: "DELETE FROM plugin_storage WHERE plugin_id = ? AND key = ?",
          args: [pluginId, k],
        }],
        value: existing !== null,
      };
    });
  }

  async list(pluginId: string, prefix: unknown = ""): Promise<string[]> {
    if (typeof prefix !== "string") throw new StorageError("storage.list prefix must be a string");
    const rs = await this.#store.execute({
      sql: `SELECT key FROM plugin_storage WHERE plugin_id = ? AND substr(key, 1, ?) = ?
            ORDER BY key LIMIT 10000`,
      args: [pluginId, prefix.length, prefix],
    });
    return rs.rows.map((r) => String(r.key));
  }

  /** Bytes used by a plugin. */
  async used(pluginId: string): Promise<number> {
    const rs = await this.#store.execute({
      sql: "SELECT COALESCE(SUM(size), 0) AS used FROM plugin_storage WHERE plugin_id = ?",
      args: [pluginId],
    });
    return Number(rs.rows[0]?.used ?? 0);
  }

  /** Removes all of a plugin's keys (uninstall with purge). */
  async purge(pluginId: string): Promise<void> {
    await this.#store.write(() => ({
      statements: [{ sql: "DELETE FROM plugin_storage WHERE plugin_id = ?", args: [pluginId] }],
    }));
  }
}
