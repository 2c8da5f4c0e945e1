/**
 * Plugin databases (`db` permission): one libSQL file per plugin, run by the daemon in a
 * database process of its own (libSQL's native addon never loads inside a plugin), reached by
 * plugins only through host calls. Every statement passes the guard (`sql_guard.ts`); a size
 * quota (`max_page_count`), a time limit per statement, a result-size limit and SQLite's heap
 * limit bound each database; migrations from the package are applied in one transaction.
 *
 * @example
 * ```ts
 * await using dbs = new PluginDatabases({ stateDir, sandbox: { mode: "bwrap" } });
 * const db = await dbs.get({ pluginId: "notes" }, { quotaBytes: 100 * 2 ** 20, timeoutMs: 5000 });
 * await db.execute("SELECT 1 AS one");
 * ```
 * @module
 */
export { type DbSandbox } from "./db_command.ts";
export type { DbResult, DbStatement } from "./db_wire.ts";
export { DbDeniedError, DbError, DbMigrationError, DbTimeoutError } from "./errors.ts";
export { readMigrations } from "./migrations.ts";
export { MAX_BATCH, PluginDatabase } from "./plugin_database.ts";
export {
  type DbKey,
  type DbLimits,
  type DbSnapshot,
  PluginDatabases,
  type PluginDatabasesOptions,
} from "./plugin_databases.ts";
export { checkSql, MIGRATIONS_TABLE, SqlRefusedError } from "./sql_guard.ts";
