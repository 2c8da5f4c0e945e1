/** Validation of `migrations:`, the folder of numbered `.sql` files. Private to src/manifest. */
import { hasControlChars, type Problems, typeName } from "./_fields.ts";

/** A migration file name: `001_create_notes.sql` (its number is its version). */
export const MIGRATION_FILE = /^([0-9]{1,6})_[A-Za-z0-9_.-]*\.sql$/;

/** Validates `migrations:` (a relative folder, `migrations/` or `db/migrations`); returns it. */
export function validateMigrations(
  v: unknown,
  permissions: { db?: string[] },
  p: Problems,
): string | undefined {
  if (v === undefined || v === null) return undefined;
  const bad = (message: string): undefined => {
    p.push({ field: "migrations", message });
    return undefined;
  };
  if (typeof v !== "string" || v.trim() === "") {
    return bad(`must be the folder of the .sql migrations, like "migrations/"; got ${typeName(v)}`);
  }
  const dir = v.replace(/\/+$/, "");
  const segments = dir.split("/");
  if (
    dir.startsWith("/") || hasControlChars(dir) || dir.includes("\\") ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    return bad(`${JSON.stringify(v)} must be a folder inside the plugin, like "migrations/"`);
  }
  if (!permissions.db) {
    return bad('migrations need a database: add db: ["100MiB"] to permissions');
  }
  return dir;
}
