/**
 * Temp folders that last as long as the test module (or bench group process) that made them.
 *
 * Not removed when the server using one stops: tests and the bench's groups read a state dir after
 * its daemon is gone, or start another server on it (a restart, a restore, a key rotation). Removed
 * at `unload` (the module's worker ends, or `Deno.exit()`), synchronously: `unload` waits for no
 * promise, and after heavy socket load Deno 2.9 may never resolve async file ops (the bench's groups
 * hung on them).
 */

const made = new Set<string>();

globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* gone already, or a leaked process still writes in it */ }
  }
});

/**
 * Makes a temp folder (`prefix` + random) removed when this module's process or test worker ends.
 *
 * @example
 * ```ts
 * const stateDir = await moduleTempDir("plugd-e2e-");
 * ```
 */
export async function moduleTempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  made.add(dir);
  return dir;
}
