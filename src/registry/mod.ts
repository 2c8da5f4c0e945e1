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
export {
  parseRef,
  type PluginLookup,
  resolveInstall,
  type ResolveOptions,
  resolvePlan,
} from "./resolve_install.ts";
export { type FoundPlugin, lookupPlugin, type RegistryErrors, sourcesLookup } from "./sources.ts";
export { HttpCache, registryCache } from "./http_cache.ts";
export { fetchPackage, MAX_ARCHIVE_BYTES, resolveArchiveUrl } from "./fetch_package.ts";
export { buildIndex } from "./build_index.ts";
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
export { allOrigins, clearOriginStatement, originOf, originStatement } from "./origins.ts";
export {
  acceptFeedStatements,
  advisoriesFor,
  blockingAdvisory,
  feedPosition,
  listAdvisories,
  type StoredAdvisory,
} from "./advisory_store.ts";
export { maxRiskOf, permissionKinds, riskRank } from "./permission_summary.ts";
export {
  isUpdatePolicy,
  noticeOf,
  noticeStatement,
  policyAllows,
  setPolicyStatement,
  updatePolicies,
  type UpdatePolicy,
  updatePolicyOf,
} from "./update_policies.ts";
