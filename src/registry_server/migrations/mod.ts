/** The registry server's migrations, in order. Append new ones; never edit a released one. */
import type { Migration } from "../../store/mod.ts";
import { registryMigration001 } from "./001_registry.ts";
import { registryMigration002 } from "./002_listing_indexes.ts";

export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  registryMigration001,
  registryMigration002,
];
