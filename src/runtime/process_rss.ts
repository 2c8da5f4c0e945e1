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

async function uss(pid: number): Promise<number> {
  try {
    const text = await Deno.readTextFile(`/proc/${pid}/smaps_rollup`);
    let kb = 0;
    for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+)\s+kB/gm)) kb += Number(m[1]);
    return kb * 1024;
  } catch {
    return 0;
  }
}

/**
 * Private memory (USS: private clean + dirty pages, bytes) of `pid` and its descendants: what the
 * tree costs beyond the pages it shares (Deno's binary and libraries); 0 when gone.
 */
export async function processTreeUss(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) total += await uss(p);
  return total;
}
