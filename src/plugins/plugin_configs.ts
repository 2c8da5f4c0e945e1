import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { type MasterKeyRef, openConfig, redactConfig, sealConfig } from "../secrets/mod.ts";
import { validateConfigValues } from "./config_values.ts";
import { storedManifest } from "./repository.ts";
import { normalizeStoredConfigSchema } from "../manifest/mod.ts";
import type { PluginRecord } from "./types.ts";
import { ConfigValidationError, ConflictError } from "./errors.ts";
import { TenantConfigs } from "./tenant_configs.ts";

export { ConfigValidationError };

/**
 * Plugin configuration: validated against the manifest schema, secrets sealed with AES-256-GCM
 * under the master key (bound to plugin and field), never returned or logged in clear.
 */
export class PluginConfigs {
  #store: Store;
  #key: MasterKeyRef;
  /** Each tenant's overrides of these values. */
  readonly tenants: TenantConfigs;

  constructor(store: Store, masterKey: MasterKeyRef) {
    this.#store = store;
    this.#key = masterKey;
    this.tenants = new TenantConfigs(store, masterKey, (plugin) => this.plain(plugin));
  }

  async #stored(id: string): Promise<Record<string, unknown>> {
    const rs = await this.#store.execute({
      sql: "SELECT config FROM plugin_config WHERE plugin_id = ?",
      args: [id],
    });
    return rs.rows[0] ? JSON.parse(String(rs.rows[0].config)) : {};
  }

  /** Decrypted values with defaults applied: what the plugin receives in `ctx.config`. */
  async plain(plugin: PluginRecord): Promise<Record<string, unknown>> {
    const opened = await openConfig(this.#key, plugin.id, await this.#stored(plugin.id));
    const { values } = validateConfigValues(plugin.manifest.config, opened, opened);
    return values;
  }

  /** Problems that keep the plugin from starting (e.g. a required setting missing). */
  async problems(plugin: PluginRecord): Promise<{ field: string; message: string }[]> {
    const opened = await openConfig(this.#key, plugin.id, await this.#stored(plugin.id));
    return validateConfigValues(plugin.manifest.config, opened, opened).problems;
  }

  /** What the plugin starts with; refuses (409) while a required setting is missing. */
  async forLaunch(plugin: PluginRecord): Promise<Record<string, unknown>> {
    // One read and one decryption per start: the problems and the values of the same check.
    const opened = await openConfig(this.#key, plugin.id, await this.#stored(plugin.id));
    const { values, problems } = validateConfigValues(plugin.manifest.config, opened, opened);
    if (problems.length > 0) {
      throw new ConflictError(
        `config incomplete: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}; ` +
          `set it with "plugd plugin config ${plugin.id} key=value"`,
      );
    }
    return values;
  }

  /** Values with secrets shown as `"********"`. */
  async redacted(id: string): Promise<Record<string, unknown>> {
    const rs = await this.#store.execute({
      sql: "SELECT manifest FROM plugins WHERE id = ?",
      args: [id],
    });
    const schema = rs.rows[0]
      ? storedManifest(String(rs.rows[0].manifest)).config
      : normalizeStoredConfigSchema(undefined);
    const opened = await openConfig(this.#key, id, await this.#stored(id));
    const { values } = validateConfigValues(schema, opened, opened);
    return redactConfig(schema, values);
  }

  /** Validates and stores a new config; returns the previous and new plain values. */
  async set(
    plugin: PluginRecord,
    input: unknown,
    actor: string,
  ): Promise<{ previous: Record<string, unknown>; next: Record<string, unknown> }> {
    const previous = await this.plain(plugin);
    const { values, problems } = validateConfigValues(plugin.manifest.config, input, previous);
    if (problems.length > 0) throw new ConfigValidationError(plugin.id, problems);
    const changed = Object.keys({ ...previous, ...values })
      .filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(values[k])).sort();
    await this.#store.write(async () => ({
      // Sealed under the write lock: a master-key rotation cannot slip in between.
      statements: [
        {
          sql: `INSERT INTO plugin_config (plugin_id, config, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (plugin_id) DO UPDATE SET config = excluded.config,
                  updated_at = excluded.updated_at`,
          args: [
            plugin.id,
            JSON.stringify(await sealConfig(this.#key, plugin.id, plugin.manifest.config, values)),
            new Date().toISOString(),
          ],
        },
        await auditStatement(this.#store, {
          actor,
          action: "plugin.config",
          target: plugin.id,
          result: "ok",
          detail: { changed }, // names only: values may be secrets
        }),
      ],
    }));
    return { previous, next: values };
  }
}
