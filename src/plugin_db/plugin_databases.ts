/**
 * Every plugin database of a daemon: one libSQL file per plugin (per tenant, once tenants exist)
 * under `<state>/db/`, each served by its own database process, opened on first use.
 */
import { dirname, join } from "node:path";
import type { DbSandbox } from "./db_command.ts";
import {
  copyDatabase,
  foldWal,
  type MaintenanceTarget,
  removeCopyLeftovers,
} from "./db_maintenance.ts";
import { discardSnapshot, restoreSnapshot, SNAPSHOT_SUFFIX, takeSnapshot } from "./db_snapshot.ts";
import { applyMigrations, readMigrations } from "./migrations.ts";
import { PluginDatabase } from "./plugin_database.ts";

/** Which database: a plugin's, and (later) a tenant's copy of it. */
export interface DbKey {
  pluginId: string;
  /** The tenant, once tenants exist; absent = the plugin's own database. */
  tenant?: string;
}

/** Options of {@linkcode PluginDatabases}. */
export interface PluginDatabasesOptions {
  /** The daemon's state dir; databases live under `<stateDir>/db/`. */
  stateDir: string;
  sandbox: DbSandbox;
  /** SQLite's heap limit per database process. @default 256 MiB */
  heapBytes?: number;
  /** Largest result of one statement, in JSON bytes (it must fit a protocol frame). @default 768 KiB */
  resultBytes?: number;
  /** Stop a database process idle this long. @default 30000 */
  idleStopMs?: number;
  /** Time limit of a migration run. @default 60000 */
  migrationTimeoutMs?: number;
  /** A line a database process wrote to stderr. */
  onLog?: (key: DbKey, line: string) => void;
}

/** How a database is opened: its quota and the time limit of one statement. */
export interface DbLimits {
  quotaBytes: number;
  timeoutMs: number;
}

/** A copy of a database file taken before an update, to restore if the update rolls back. */
export interface DbSnapshot {
  restore(): Promise<void>;
  discard(): Promise<void>;
}

const FILE = "plugin.db";

/** The plugin databases of one daemon. */
export class PluginDatabases implements AsyncDisposable {
  #o: Required<Omit<PluginDatabasesOptions, "onLog">> & Pick<PluginDatabasesOptions, "onLog">;
  #open = new Map<string, { db: PluginDatabase; limits: DbLimits }>();

  constructor(options: PluginDatabasesOptions) {
    this.#o = {
      heapBytes: 256 * 1024 * 1024,
      resultBytes: 768 * 1024,
      idleStopMs: 30_000,
      migrationTimeoutMs: 60_000,
      ...options,
    };
  }

  /** The folder of a database (the only folder its process can write). */
  dirOf(key: DbKey): string {
    const base = join(this.#o.stateDir, "db", key.pluginId);
    return key.tenant === undefined ? base : join(base, "tenants", key.tenant);
  }

  /** The database of `key`, opened with `limits` (reopened when they changed). */
  async get(key: DbKey, limits: DbLimits): Promise<PluginDatabase> {
    const id = this.#id(key);
    const open = this.#open.get(id);
    if (
      open && open.limits.quotaBytes === limits.quotaBytes &&
      open.limits.timeoutMs === limits.timeoutMs
    ) {
      return open.db;
    }
    if (open) await open.db[Symbol.asyncDispose]();
    const db = new PluginDatabase({
      dir: this.dirOf(key),
      file: FILE,
      sandbox: this.#o.sandbox,
      quotaBytes: limits.quotaBytes,
      heapBytes: this.#o.heapBytes,
      resultBytes: this.#o.resultBytes,
      idleStopMs: this.#o.idleStopMs,
      timeoutMs: limits.timeoutMs,
      onStderr: (line) => this.#o.onLog?.(key, line),
    });
    this.#open.set(id, { db, limits });
    return db;
  }

  /** Applies the package's pending migrations (folder `migrationsDir`); returns their versions. */
  async migrate(
    key: DbKey,
    limits: DbLimits,
    migrationsDir: string,
    pluginVersion: string,
  ): Promise<number[]> {
    const db = await this.get(key, limits);
    const migrations = await readMigrations(migrationsDir);
    return await applyMigrations(db, migrations, {
      pluginVersion,
      timeoutMs: this.#o.migrationTimeoutMs,
    });
  }

  /** Stops the database process of `key` (its file stays). */
  async close(key: DbKey): Promise<void> {
    const id = this.#id(key);
    await this.#open.get(id)?.db[Symbol.asyncDispose]();
    this.#open.delete(id);
  }

  /**
   * Copies the database file (its process stopped, the WAL folded in) to
   * `plugin.db.before-update`, replacing any older copy; `restore()` puts it back, also at the
   * next start after a crash ({@linkcode restoreSnapshot}).
   */
  async snapshot(key: DbKey): Promise<DbSnapshot> {
    await this.close(key);
    await foldWal(this.#maintenance(key));
    await takeSnapshot(this.dirOf(key), FILE);
    return {
      restore: async () => {
        await this.restoreSnapshot(key);
      },
      discard: () => this.discardSnapshot(key),
    };
  }

  /** Puts the update's copy back, if there is one (the process stopped first). */
  async restoreSnapshot(key: DbKey): Promise<boolean> {
    await this.close(key);
    return await restoreSnapshot(this.dirOf(key), FILE);
  }

  /** Removes the update's copy and copies an interrupted backup left, if any. */
  async discardSnapshot(key: DbKey): Promise<void> {
    await discardSnapshot(this.dirOf(key), FILE);
    await removeCopyLeftovers(this.dirOf(key), FILE);
  }

  /**
   * {@linkcode snapshot} of every database of `pluginId` (each tenant's, then its own, so that its
   * own copy means all were taken); `restore()` also removes a tenant database the new version
   * created ({@linkcode restoreAll}).
   */
  async snapshotAll(pluginId: string): Promise<DbSnapshot> {
    for (const key of await this.#keysOnDisk(pluginId)) {
      if (key.tenant !== undefined) await this.snapshot(key);
    }
    await this.snapshot({ pluginId });
    return {
      restore: async () => {
        await this.restoreAll(pluginId);
      },
      discard: () => this.discardAll(pluginId),
    };
  }

  /**
   * Puts back the copies of every database of `pluginId` an update took; false when there were
   * none. Once its own copy exists, each tenant database was copied too, so a tenant database
   * without a copy was created during the update and is removed (like an empty copy).
   */
  async restoreAll(pluginId: string): Promise<boolean> {
    const own = { pluginId };
    const complete = await exists(join(this.dirOf(own), `${FILE}${SNAPSHOT_SUFFIX}`));
    let restored = false;
    for (const key of await this.#tenantKeys(pluginId)) {
      if (await this.restoreSnapshot(key)) restored = true;
      else if (complete) {
        await this.close(key);
        for (const f of [FILE, `${FILE}-wal`, `${FILE}-shm`]) {
          await Deno.remove(join(this.dirOf(key), f)).catch(() => {});
        }
        restored = true;
      }
    }
    return await this.restoreSnapshot(own) || restored;
  }

  /** {@linkcode discardSnapshot} of every database of `pluginId`. */
  async discardAll(pluginId: string): Promise<void> {
    for (const key of await this.#tenantKeys(pluginId)) await this.discardSnapshot(key);
    await this.discardSnapshot({ pluginId });
  }

  /** Every tenant folder of `pluginId`, with or without a database in it. */
  async #tenantKeys(pluginId: string): Promise<DbKey[]> {
    const keys: DbKey[] = [];
    try {
      for await (const e of Deno.readDir(join(this.dirOf({ pluginId }), "tenants"))) {
        if (e.isDirectory) keys.push({ pluginId, tenant: e.name });
      }
    } catch { /* no tenants */ }
    return keys;
  }

  /**
   * Consistent copies of every database of `pluginId` (its own, each tenant's) under `to`, taken
   * while they are in use (the backup); returns the files written, relative to `to`.
   */
  async copyAllTo(pluginId: string, to: string): Promise<string[]> {
    const written: string[] = [];
    for (const key of await this.#keysOnDisk(pluginId)) {
      const rel = key.tenant === undefined ? FILE : join("tenants", key.tenant, FILE);
      await Deno.mkdir(dirname(join(to, rel)), { recursive: true, mode: 0o700 });
      await copyDatabase(this.#maintenance(key), join(to, rel));
      written.push(rel);
    }
    return written;
  }

  /** The databases of `pluginId` that exist on disk: its own, and each tenant's. */
  async #keysOnDisk(pluginId: string): Promise<DbKey[]> {
    const keys: DbKey[] = [];
    if (await exists(join(this.dirOf({ pluginId }), FILE))) keys.push({ pluginId });
    try {
      for await (const e of Deno.readDir(join(this.dirOf({ pluginId }), "tenants"))) {
        const key = { pluginId, tenant: e.name };
        if (e.isDirectory && await exists(join(this.dirOf(key), FILE))) keys.push(key);
      }
    } catch { /* no tenants */ }
    return keys;
  }

  /** Removes the database of `key` (uninstall with purge). */
  async purge(key: DbKey): Promise<void> {
    await this.close(key);
    await Deno.remove(this.dirOf(key), { recursive: true }).catch(() => {});
  }

  /** Bytes the database file of `key` uses on disk (0 when it has none). */
  async size(key: DbKey): Promise<number> {
    let total = 0;
    for (const f of [FILE, `${FILE}-wal`]) {
      total += await Deno.stat(join(this.dirOf(key), f)).then((s) => s.size, () => 0);
    }
    return total;
  }

  #maintenance(key: DbKey): MaintenanceTarget {
    return {
      sandbox: this.#o.sandbox,
      dir: this.dirOf(key),
      file: FILE,
      heapBytes: this.#o.heapBytes,
      timeoutMs: this.#o.migrationTimeoutMs,
      onStderr: (line) => this.#o.onLog?.(key, line),
    };
  }

  #id(key: DbKey): string {
    return `${key.pluginId}\n${key.tenant ?? ""}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((o) => o.db[Symbol.asyncDispose]()));
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}
