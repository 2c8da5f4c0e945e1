/**
 * What a prepare's type check leaves in the prepared folder that no start reads: the check's own
 * import map, Deno's type-check caches, and V8's code cache of the TypeScript compiler
 * (`ext:deno_cli_tsc/…`, 2.5 MiB of the module cache's `v8_code_cache_v2`, where a start finds
 * only the runtime module's entry). Every file of the folder is in its marker and its seal, so each
 * byte left there cost every check by hash (the first start after a prepare, any start whose seal
 * no longer holds): ~4 ms of CPU with them, ~0.6 ms without (performance.md, "Prepared folder
 * integrity (issue 23, eleventh round)").
 * @module
 */

/** The files only `deno check` reads, relative to the prepared folder. */
const CHECK_ONLY = [
  "check_map.json",
  ...["check_cache_v2", "fast_check_cache_v2"].flatMap((db) =>
    ["", "-wal", "-shm"].map((suffix) => `cache/${db}${suffix}`)
  ),
];

/** The module cache's database of V8's code cache, and the type checker's entries in it. */
const CODE_CACHE = "cache/v8_code_cache_v2";
const COMPILER_ENTRIES = "ext:deno_cli_tsc/%";

/**
 * Removes the type check's leftovers from `preparedDir`, before its module cache is finished
 * (`finishModuleCache()`) and its files recorded. What cannot be removed stays: it is recorded
 * and checked like every other file, so this never weakens a check, it only makes it cheaper.
 *
 * @example
 * ```ts
 * await dropTypeCheckLeftovers("/var/lib/plugd/prepared/hello/1.0.0");
 * ```
 */
export async function dropTypeCheckLeftovers(preparedDir: string): Promise<void> {
  for (const file of CHECK_ONLY) {
    await Deno.remove(`${preparedDir}/${file}`).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
  const path = `${preparedDir}/${CODE_CACHE}`;
  try {
    if (!Deno.lstatSync(path).isFile) return;
  } catch {
    return; // no code cache: nothing of the compiler's to drop (and none to create)
  }
  const { DatabaseSync } = await import("node:sqlite");
  const conn = new DatabaseSync(path);
  try {
    conn.exec("PRAGMA synchronous = OFF");
    const { changes } = conn.prepare("DELETE FROM codecache WHERE specifier LIKE ?").run(
      COMPILER_ENTRIES,
    );
    // The freed pages leave the file only with a VACUUM (the file is what a check hashes).
    if (Number(changes) > 0) conn.exec("VACUUM");
  } catch {
    /* another Deno's layout: left as it is, and checked as it is */
  } finally {
    conn.close();
  }
}
