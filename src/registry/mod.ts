/**
 * Registry indexes (SPEC §12): the index format, building one from packages, loading,
 * resolving `id@range` into an install plan, fetching archives, and the catalog.
 *
 * @example
 * ```ts
 * import { fetchPackage, loadIndex, resolveInstall } from "./mod.ts";
 * const plan = resolveInstall([await loadIndex(url)], "slack-notify@^1.2", VERSION, installed);
 * for (const step of plan) await fetchPackage(step.entry, step.indexLocation, tmpFile);
 * ```
 *
 * @module
 */
export {
  type IndexPlugin,
  type IndexVersion,
  type LoadedIndex,
  type PlanStep,
  RegistryError,
  type RegistryIndex,
} from "./types.ts";
export { checkIndex, isHttpUrl, loadIndex, MAX_INDEX_BYTES } from "./load_index.ts";
export {
  boundedFetch,
  type BoundedFetchOptions,
  type BoundedResponse,
  boundedStream,
  DEFAULT_REGISTRY_TIMEOUT_MS,
} from "./bounded_fetch.ts";
export { parseRef, resolveInstall } from "./resolve_install.ts";
export { fetchPackage, MAX_ARCHIVE_BYTES, resolveArchiveUrl } from "./fetch_package.ts";
export { buildIndex } from "./build_index.ts";
export { type CatalogItem, type CatalogResult, searchCatalog } from "./search_catalog.ts";
export {
  activeAdvisories,
  type AdvisoryEntry,
  type AdvisoryFeed,
  AdvisoryFeedError,
  type ChainedEntry,
  entryHash,
  FEED_GENESIS,
  type FeedPosition,
  type SignedFeed,
  signFeed,
  verifyFeed,
} from "./advisory_feed.ts";
