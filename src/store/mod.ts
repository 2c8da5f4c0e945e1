/** State in libSQL: connection, serialized writes, versioned migrations. */
export { Store, type StoreProblem, type WriteBatch, type WriteOptions } from "./store.ts";
export { openStore, type StoreOptions } from "./open_store.ts";
export { StoreFullError, StoreUnavailableError } from "./errors.ts";
export { migrate } from "./migrate.ts";
export { MIGRATIONS } from "./migrations/mod.ts";
export type { Migration } from "./types.ts";
