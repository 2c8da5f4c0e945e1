/**
 * The marketplace on the daemon: searching the configured registries, reviews as this
 * installation, signed advisory feeds enforced on installed plugins, outdated plugins,
 * updates and per-plugin auto-update. Its HTTP routes are in src/api.
 *
 * @example
 * ```ts
 * import { MarketplaceService } from "./mod.ts";
 * const marketplace = new MarketplaceService({ store, config, plugins, key, log, emit });
 * await marketplace.start();
 * ```
 *
 * @module
 */
export { MarketplaceService } from "./service.ts";
export type { MarketplaceHost } from "./types.ts";
export {
  type CatalogItem,
  type CatalogQuery,
  type CatalogResult,
  searchCatalog,
} from "./catalog.ts";
export { catalogDetail } from "./catalog_detail.ts";
export { checkUpdates, type UpdateCheck, type UpdateInfo, type UpdateTarget } from "./outdated.ts";
export type { UpdateOutcome } from "./apply_update.ts";
export type { AutoUpdateRun } from "./auto_updater.ts";
export type { FeedOutcome } from "./advisory_sync.ts";
export { advisoryReason } from "./advisory_enforcer.ts";
