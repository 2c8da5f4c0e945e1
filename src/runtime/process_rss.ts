/** Resident memory of a process tree, from /proc (bwrap's sandboxed children included). */
import { processTree } from "./_proc_tree.ts";

async function rss(pid: number): Promise<number> {
  try {
    const m = (await Deno.readTextFile(`/proc/${pid}/status`)).match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS (bytes) over `pid` and its descendants; 0 when gone. */
export async function processTreeRss(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) total += await rss(p);
  return total;
}
