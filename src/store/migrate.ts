import type { Client } from "@libsql/client";
import type { Migration } from "./types.ts";

/**
 * Applies every migration newer than the database's version, each in its own atomic batch
 * together with its `schema_migrations` row. Idempotent: a second run applies nothing.
 *
 * @returns the versions applied by this call.
 */
export async function migrate(client: Client, migrations: readonly Migration[]): Promise<number[]> {
  checkOrder(migrations);
  await client.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const result = await client.execute("SELECT MAX(version) AS v FROM schema_migrations");
  const current = Number(result.rows[0]?.v ?? 0);
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) {
    throw new Error(
      `Database schema version ${current} is newer than this plugd knows (${known}); ` +
        "upgrade plugd or point PLUGD_DB_URL at another database",
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    await client.batch(
      [
        ...migration.statements,
        {
          sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          args: [migration.version, migration.name, new Date().toISOString()],
        },
      ],
      "write",
    );
    applied.push(migration.version);
  }
  return applied;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(`Migration "${m.name}" has version ${m.version}; expected ${i + 1}`);
    }
  });
}
