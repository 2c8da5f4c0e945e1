/**
 * Plugins and their databases: which plugin may use `ctx.db` (its `db` grant, set at each
 * launch), the `db.*` host calls, migrations at launch (enable, restart, update), and the
 * snapshot an update restores when it rolls back.
 */
import { dirname, join } from "node:path";
import { appendAudit } from "../audit/mod.ts";
import { dbQuotaBytes, DEFAULT_DB_QUOTA } from "../permissions/mod.ts";
import {
  DbDeniedError,
  type DbLimits,
  type DbSnapshot,
  PluginDatabases,
} from "../plugin_db/mod.ts";
import { capsDrop, type SandboxInfo } from "../runtime/mod.ts";
import type { LogRings } from "./log_ring.ts";
import type { Store } from "../store/mod.ts";
import type { PluginRecord } from "./types.ts";

/** The host operations served here. */
export const DB_OPS: readonly string[] = [
  "db.execute",
  "db.batch",
  "db.begin",
  "db.commit",
  "db.rollback",
];

/**
 * The daemon's plugin databases under `<stateDir>/db/`, contained like plugins are (bubblewrap,
 * or Deno flags only when the operator chose that mode); a database process's stderr lands in
 * its plugin's log.
 */
export function createPluginDbAccess(
  stateDir: string,
  sandbox: SandboxInfo,
  logs: LogRings,
): PluginDbAccess {
  return new PluginDbAccess(
    new PluginDatabases({
      stateDir,
      sandbox: {
        mode: sandbox.mode === "bwrap" ? "bwrap" : "flags",
        bwrapPath: sandbox.bwrapPath,
        denoPath: sandbox.denoPath,
        mountProc: sandbox.mountProc,
        prefix: capsDrop(sandbox),
      },
      onLog: (key, line) =>
        logs.push(key.pluginId, {
          ts: Date.now(),
          stream: "system",
          level: "warn",
          msg: `db: ${line}`,
        }),
    }),
  );
}

/** Database access of the daemon's plugins. */
export class PluginDbAccess {
  readonly databases: PluginDatabases;
  #limits = new Map<string, DbLimits>();
  /** Where each plugin's migrations are, to bring a tenant's database up to date at first use. */
  #migrations = new Map<string, { dir: string; version: string }>();
  /** Tenant databases opened (and migrated) since the plugin's last launch. */
  #tenants = new Map<string, Set<string>>();

  constructor(databases: PluginDatabases) {
    this.databases = databases;
  }

  /**
   * Before a plugin starts: records its `db` grant and time limit, and applies the pending
   * migrations of its package (audited). Throws `DbMigrationError` when a migration fails.
   */
  async prepare(
    plugin: Pick<PluginRecord, "id" | "version" | "manifest" | "granted">,
    pluginDir: string,
    store?: Store,
  ): Promise<number[]> {
    const quotaBytes = dbQuotaBytes(plugin.granted?.db);
    if (quotaBytes === undefined) {
      this.#limits.delete(plugin.id);
      return [];
    }
    // A statement gets 80 % of an invocation's time, so the plugin sees the error in time.
    const limits = { quotaBytes, timeoutMs: Math.floor(plugin.manifest.limits.timeout_ms * 0.8) };
    this.#limits.set(plugin.id, limits);
    await this.#closeTenants(plugin.id); // reopened, and migrated, with this version at first use
    this.#migrations.delete(plugin.id);
    if (!plugin.manifest.migrations) return [];
    const dir = join(pluginDir, plugin.manifest.migrations);
    this.#migrations.set(plugin.id, { dir, version: plugin.version });
    const applied = await this.databases.migrate(
      { pluginId: plugin.id },
      limits,
      dir,
      plugin.version,
    );
    if (applied.length > 0 && store) {
      await appendAudit(store, {
        actor: "daemon",
        action: "plugin.db.migrate",
        target: plugin.id,
        result: "ok",
        detail: { version: plugin.version, applied },
      });
    }
    return applied;
  }

  /**
   * Serves one `db.*` host call of `pluginId`; in a call for a tenant, on that tenant's own
   * database (created and migrated at its first use after each launch).
   */
  async handle(
    pluginId: string,
    op: string,
    args: Record<string, unknown>,
    tenant: string | null = null,
  ): Promise<unknown> {
    const limits = this.#limits.get(pluginId);
    if (!limits) {
      throw new DbDeniedError(
        `ctx.db needs the db permission; add db: ["${DEFAULT_DB_QUOTA}"] to permissions in ` +
          "plugin.yaml (and have it granted)",
      );
    }
    const db = tenant === null
      ? await this.databases.get({ pluginId }, limits)
      : await this.#tenantDb(pluginId, tenant, limits);
    switch (op) {
      case "db.execute":
        return await db.execute(args.sql, args.args, args.tx);
      case "db.batch":
        return await db.batch(args.statements);
      case "db.begin":
        return { tx: await db.begin() };
      case "db.commit":
      case "db.rollback":
        await db.finish(args.tx, op === "db.rollback");
        return null;
    }
    throw new TypeError(`unknown host operation "${op}"`);
  }

  async #tenantDb(pluginId: string, tenant: string, limits: DbLimits) {
    const key = { pluginId, tenant };
    const opened = this.#tenants.get(pluginId) ?? new Set<string>();
    this.#tenants.set(pluginId, opened);
    const migrations = this.#migrations.get(pluginId);
    if (!opened.has(tenant) && migrations) {
      await this.databases.migrate(key, limits, migrations.dir, migrations.version);
    }
    opened.add(tenant);
    return await this.databases.get(key, limits);
  }

  async #closeTenants(pluginId: string): Promise<void> {
    for (const tenant of this.#tenants.get(pluginId) ?? []) {
      await this.databases.close({ pluginId, tenant });
    }
    this.#tenants.delete(pluginId);
  }

  /** Removes the databases of `tenant` of every plugin (tenant removal with purge). */
  async purgeTenant(tenant: string): Promise<void> {
    const root = dirname(this.databases.dirOf({ pluginId: "x" }));
    const ids: string[] = [];
    try {
      for await (const entry of Deno.readDir(root)) if (entry.isDirectory) ids.push(entry.name);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const pluginId of ids) {
      this.#tenants.get(pluginId)?.delete(tenant);
      await this.databases.purge({ pluginId, tenant });
    }
  }

  /** A copy of the plugin's databases (its own, each tenant's) before an update switches versions. */
  snapshot(pluginId: string): Promise<DbSnapshot> {
    return this.databases.snapshotAll(pluginId);
  }

  /** Puts back the copies an interrupted update took, if any (recovery at start). */
  restoreSnapshot(pluginId: string): Promise<boolean> {
    return this.databases.restoreAll(pluginId);
  }

  /** Removes copies an update or a backup left behind (recovery at start). */
  discardSnapshot(pluginId: string): Promise<void> {
    return this.databases.discardAll(pluginId);
  }

  /** Stops every database process. */
  close(): Promise<void> {
    return this.databases[Symbol.asyncDispose]();
  }

  /** Stops the plugin's database process; with `purge`, removes the database. */
  async forget(pluginId: string, purge: boolean): Promise<void> {
    this.#limits.delete(pluginId);
    this.#migrations.delete(pluginId);
    await this.#closeTenants(pluginId);
    if (purge) await this.databases.purge({ pluginId });
    else await this.databases.close({ pluginId });
  }
}
