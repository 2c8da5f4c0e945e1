/** Resident memory of a process tree, from /proc (bwrap's sandboxed children included). */

async function children(pid: number): Promise<number[]> {
  try {
    const text = await Deno.readTextFile(`/proc/${pid}/task/${pid}/children`);
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

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
  const todo = [pid];
  for (let i = 0; i < todo.length && i < 256; i++) {
    total += await rss(todo[i]!);
    todo.push(...await children(todo[i]!));
  }
  return total;
}
