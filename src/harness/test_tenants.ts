/**
 * The tenants of a plugin under test: the ones a test names at start, each with its config as
 * the daemon builds it (the plugin's config with the tenant's top-level overrides, validated as
 * one config against the schema, defaults applied). A call for a tenant carries that config; a
 * call for a tenant not named at start is refused, as the daemon refuses an unknown tenant.
 */
import type { ConfigSchema } from "../manifest/mod.ts";
import { validateConfigValues } from "../plugins/mod.ts";
import type { TenantCall } from "../runtime/mod.ts";

/** What a call for a tenant carries, by tenant. */
export class TestTenants {
  #configs = new Map<string, Record<string, unknown>>();

  /**
   * `overrides`: tenant id → its overrides (a partial config; `{}` for none). Throws `TypeError`
   * naming the tenant and every problem when a tenant's config is invalid.
   */
  constructor(
    schema: ConfigSchema,
    config: Record<string, unknown>,
    overrides: Record<string, Record<string, unknown>> = {},
  ) {
    for (const [tenant, own] of Object.entries(overrides)) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) {
        throw new TypeError(`"${tenant}" is not a tenant id (lowercase letters, digits, "-")`);
      }
      const given = Object.fromEntries(Object.entries(own ?? {}).filter(([, v]) => v !== null));
      const merged = { ...config, ...given };
      const { values, problems } = validateConfigValues(schema, merged, merged);
      if (problems.length > 0) {
        throw new TypeError(
          `Invalid config for tenant "${tenant}" of the plugin under test: ${
            problems.map((p) => `${p.field}: ${p.message}`).join("; ")
          }`,
        );
      }
      this.#configs.set(tenant, values);
    }
  }

  /** The call options for `tenant` (none for a plugin-wide call). */
  call(tenant: string | null | undefined): { tenant?: TenantCall } {
    if (tenant === undefined || tenant === null) return {};
    const config = this.#configs.get(tenant);
    if (!config) {
      const known = [...this.#configs.keys()];
      throw new Error(
        `"${tenant}" is not a tenant of this test; name it in startPlugin(dir, { tenants: ` +
          `{ "${tenant}": {} } })${known.length ? ` (tenants: ${known.join(", ")})` : ""}`,
      );
    }
    return { tenant: { id: tenant, config: structuredClone(config) } };
  }
}
