/** Resident memory from /proc: one process, and a whole process tree (no depth/count cap). */

async function read(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/** VmRSS of `pid` in bytes (0 when gone). */
export async function rssBytes(pid: number): Promise<number> {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(await read(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Every descendant of `pid` (children of all its threads), breadth first. */
export async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.shift()!;
    const tasks = [...await Array.fromAsync(Deno.readDir(`/proc/${p}/task`)).catch(() => [])];
    for (const t of tasks) {
      const kids = (await read(`/proc/${p}/task/${t.name}/children`)).trim();
      for (const k of kids ? kids.split(/\s+/).map(Number) : []) {
        out.push(k);
        todo.push(k);
      }
    }
  }
  return out;
}

/** Sum of VmRSS over `pids`. */
export async function sumRss(pids: number[]): Promise<number> {
  let total = 0;
  for (const p of pids) total += await rssBytes(p);
  return total;
}
