/**
 * The registry server (`plugd registry serve`): publishers upload signed packages, daemons
 * search, resolve and download them, installations review them, admins curate and publish
 * signed advisories. Its own state dir, libSQL database and port.
 *
 * @example
 * ```ts
 * import { loadRegistryConfig, RegistryServer } from "./mod.ts";
 * await using server = await RegistryServer.start(loadRegistryConfig({}, Deno.env.toObject()));
 * ```
 *
 * @module
 */
export { RegistryServer } from "./server.ts";
export {
  DEFAULT_REGISTRY_HTTP,
  loadRegistryConfig,
  type RegistryConfig,
  type RegistryFlags,
} from "./config.ts";
export { createRegistryApp } from "./app.ts";
export { REGISTRY_ROUTES, registryOpenApi, type RegistryRoute } from "./route_table.ts";
export { REGISTRY_MIGRATIONS } from "./migrations/mod.ts";
export { permissionMask } from "./plugin_summary.ts";
export { ftsQuery, type SearchHit, searchPlugins, type SearchQuery } from "./search.ts";
export type { Principal, PrincipalKind, RegistryDeps, RegistrySettings } from "./types.ts";
