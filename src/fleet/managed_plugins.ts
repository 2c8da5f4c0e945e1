/** Plugins the fleet manages on this host, and what it last converged each to (libSQL). */
import type { Store } from "../store/mod.ts";

/** One managed plugin. */
export interface ManagedPlugin {
  pluginId: string;
  /** Digest of the desired entry it was converged to. */
  digest: string;
  /** sha256 of the config and resolved secret values it was given (never the values). */
  configHash: string;
  version: string;
}

/** Reads and writes `fleet_managed`. */
export class ManagedPlugins {
  #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Every managed plugin, by id. */
  async all(): Promise<Map<string, ManagedPlugin>> {
    const rs = await this.#store.execute(
      "SELECT plugin_id, digest, config_hash, version FROM fleet_managed",
    );
    return new Map(rs.rows.map((r) => [String(r.plugin_id), {
      pluginId: String(r.plugin_id),
      digest: String(r.digest),
      configHash: String(r.config_hash),
      version: String(r.version),
    }]));
  }

  /** Records that the fleet converged `m.pluginId` here. */
  async put(m: ManagedPlugin): Promise<void> {
    await this.#store.write(() => ({
      statements: [{
        sql: `INSERT INTO fleet_managed (plugin_id, digest, config_hash, version, updated_at)
              VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (plugin_id) DO UPDATE SET digest = excluded.digest,
                config_hash = excluded.config_hash, version = excluded.version,
                updated_at = excluded.updated_at`,
        args: [m.pluginId, m.digest, m.configHash, m.version, new Date().toISOString()],
      }],
    }));
  }

  /** Forgets `pluginId` (removed, or no longer the fleet's). */
  async delete(pluginId: string): Promise<void> {
    await this.#store.write(() => ({
      statements: [{ sql: "DELETE FROM fleet_managed WHERE plugin_id = ?", args: [pluginId] }],
    }));
  }
}
