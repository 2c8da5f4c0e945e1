/** How much a folder holds on disk: the allocated blocks of everything in it, symlinks not followed. */

/**
 * Sums the allocated bytes (`blocks × 512`) of `dir` and everything below it, never following a
 * symlink; stops counting after `maxEntries` entries (a folder of millions of files is still
 * "over" any sensible quota). A folder that vanishes meanwhile counts as empty.
 *
 * @example
 * ```ts
 * await diskUsage("/var/lib/plugd/data/hello"); // 81920
 * ```
 */
export async function diskUsage(dir: string, maxEntries = 1_000_000): Promise<number> {
  let total = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < maxEntries) {
    const path = stack.pop()!;
    let st: Deno.FileInfo;
    try {
      st = await Deno.lstat(path);
    } catch {
      continue; // removed meanwhile
    }
    seen++;
    total += (st.blocks ?? Math.ceil(st.size / 512)) * 512;
    if (!st.isDirectory) continue;
    try {
      for await (const e of Deno.readDir(path)) stack.push(`${path}/${e.name}`);
    } catch { /* unreadable or removed */ }
  }
  return total;
}

const MIB = 1024 * 1024;

/**
 * A check for the supervisor's timer (watched `$DATA`): calls `onOver` with the reason, naming
 * the limit and the way out, when the plugin's data outgrew its limit.
 */
export function diskWatchCheck(
  pluginId: string,
  disk: { limitBytes: number; usage: () => Promise<number> },
  onOver: (reason: string) => void,
): () => Promise<void> {
  return async () => {
    const used = await disk.usage().catch(() => 0);
    if (used <= disk.limitBytes) return;
    onOver(
      `disk quota: $DATA holds ${(used / MIB).toFixed(1)} MiB, over its ` +
        `${disk.limitBytes / MIB} MiB limit; free space in it (or raise data_quota_mb), then run ` +
        `"plugd plugin restart ${pluginId}"`,
    );
  };
}
