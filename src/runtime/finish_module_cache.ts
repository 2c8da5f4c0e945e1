/**
 * Readies a prepared module cache for the read-only mount every start of the plugin reads it from.
 *
 * Deno keeps its module cache (V8's code cache, dependency and CommonJS analysis) in SQLite
 * databases in WAL mode. Opened read-only, a database is usable only when Deno's set-up of it
 * writes nothing: a database with no `sqlite_stat1` table (the analysis of its indexes, which only
 * a type check's run left behind) makes that set-up write, so Deno dropped the cache and used an
 * empty one in memory. Every plugin prepared without a type check (a signed package, sources
 * already checked) thus started without the V8 code cache prepare had written for it (~9 M
 * instructions of a ~61 M start). And Deno exits without a checkpoint, so prepare's writes stayed
 * in `<db>-wal` (2.6 MiB after a type check), which every start read and indexed again.
 *
 * So each database is analysed and its log folded in. Its `-wal` and `-shm` must stay (empty): on
 * a read-only mount SQLite opens a WAL database only while both exist, and closing the last
 * connection removes them. Written without syncing to disk, like every file prepare writes: a
 * cache is derived data, and syncing cost each prepare ~60-100 ms of the daemon's thread.
 * @module
 */

/**
 * Runs `ANALYZE` and a truncating checkpoint on every SQLite database in `cacheDir`, then leaves
 * an empty `-wal` and `-shm` beside each. A file that is not a database, or one that cannot be
 * changed, is left as it is: this makes starts cheaper, never breaks a cache.
 *
 * `node:sqlite` is loaded at the first call, so a daemon that prepares nothing never loads it.
 *
 * @example
 * ```ts
 * await finishModuleCache("/var/lib/plugd/prepared/hello/1.0.0/cache");
 * ```
 */
export async function finishModuleCache(cacheDir: string): Promise<void> {
  const { DatabaseSync } = await import("node:sqlite");
  const databases = [...Deno.readDirSync(cacheDir)]
    .filter((e) => e.isFile && !e.name.endsWith("-wal") && !e.name.endsWith("-shm"))
    .map((e) => `${cacheDir}/${e.name}`)
    .filter(isSqlite);
  for (const db of databases) {
    try {
      const conn = new DatabaseSync(db);
      try {
        conn.exec("PRAGMA synchronous = OFF; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        conn.close();
      }
    } catch {
      continue; // left as Deno wrote it
    }
    for (const suffix of ["-wal", "-shm"]) {
      try {
        Deno.writeFileSync(db + suffix, new Uint8Array(), { createNew: true, mode: 0o644 });
      } catch { /* still there: another connection kept it */ }
    }
  }
}

const SQLITE_HEADER = "SQLite format 3\0";

function isSqlite(path: string): boolean {
  try {
    using file = Deno.openSync(path);
    const head = new Uint8Array(SQLITE_HEADER.length);
    return file.readSync(head) === head.length && new TextDecoder().decode(head) === SQLITE_HEADER;
  } catch {
    return false;
  }
}
