/**
 * Migrations of a plugin database: numbered `.sql` files from the plugin's package, the pending
 * ones applied together in one transaction with their record in `_plugd_migrations`, so a failed
 * migration leaves the database as it was.
 */
import { join } from "node:path";
import { MIGRATION_FILE } from "../manifest/mod.ts";
import type { DbStatement } from "./db_wire.ts";
import { DbMigrationError } from "./errors.ts";
import type { PluginDatabase } from "./plugin_database.ts";
import { checkSql, MIGRATIONS_TABLE } from "./sql_guard.ts";

/** One migration file of a package. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads the migrations of folder `dir` in version order. Throws {@link DbMigrationError} for a
 * file that is not `NNN_name.sql` or a version used twice.
 */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const out: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const m = MIGRATION_FILE.exec(entry.name);
    if (!entry.isFile || !m) {
      throw new DbMigrationError(
        `${entry.name} in the migrations folder is not a migration; name files like 001_init.sql`,
      );
    }
    const sql = await Deno.readTextFile(join(dir, entry.name));
    out.push({ version: Number(m[1]), name: entry.name, sql, sha256: await sha256(sql) });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) {
      throw new DbMigrationError(
        `${out[i - 1]!.name} and ${out[i]!.name} have the same number; renumber one`,
      );
    }
  }
  return out;
}

interface Applied {
  version: number;
  name: string;
  sha256: string;
}

/**
 * Applies the migrations of `db` not yet recorded, all in one transaction, and records them.
 * Returns the versions applied (none when up to date). Refuses a recorded migration whose file
 * changed, and a new migration numbered below one already applied.
 */
export async function applyMigrations(
  db: PluginDatabase,
  migrations: Migration[],
  options: { pluginVersion: string; timeoutMs: number },
): Promise<number[]> {
  return await db.exclusive(async () => {
    const request = <T>(body: Parameters<typeof db.process.request>[0]) =>
      db.process.request<T>(body, options.timeoutMs);
    await request({
      op: "execute",
      sql: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY,
        name TEXT NOT NULL, sha256 TEXT NOT NULL, plugin_version TEXT NOT NULL,
        applied_at TEXT NOT NULL)`,
    });
    const { rows } = await request<{ rows: Applied[] }>({
      op: "execute",
      sql: `SELECT version, name, sha256 FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    });
    const applied = new Map(rows.map((r) => [Number(r.version), r]));
    const last = rows.length > 0 ? Math.max(...rows.map((r) => Number(r.version))) : 0;
    const pending: Migration[] = [];
    for (const m of migrations) {
      const done = applied.get(m.version);
      if (done && done.sha256 !== m.sha256) {
        throw new DbMigrationError(
          `migration ${m.name} changed after it was applied (as ${done.name}); migrations are ` +
            "never edited once released: add a new one instead",
        );
      }
      if (done) continue;
      if (m.version < last) {
        throw new DbMigrationError(
          `migration ${m.name} is new but a later one (version ${last}) was already applied; ` +
            `number new migrations after ${last}`,
        );
      }
      pending.push(m);
    }
    if (pending.length === 0) return [];
    const statements: DbStatement[] = [];
    for (const m of pending) {
      try {
        statements.push(...checkSql(m.sql, { many: true }).map((sql) => ({ sql })));
      } catch (error) {
        throw new DbMigrationError(`migration ${m.name}: ${(error as Error).message}`);
      }
      statements.push({
        sql: `INSERT INTO ${MIGRATIONS_TABLE} (version, name, sha256, plugin_version, applied_at)
              VALUES (?, ?, ?, ?, ?)`,
        args: [m.version, m.name, m.sha256, options.pluginVersion, new Date().toISOString()],
      });
    }
    try {
      await request({ op: "script", statements });
    } catch (error) {
      throw new DbMigrationError(
        `migrations ${pending.map((m) => m.name).join(", ")} failed (${
          (error as Error).message
        }); none was applied`,
        undefined,
        (error as { code?: string }).code,
      );
    }
    return pending.map((m) => m.version);
  });
}
