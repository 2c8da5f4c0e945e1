/** What runs on this host, read from /proc: to prove that nothing a test started is left. */

/** A live (not zombie) process: pid, parent, command line and environment. */
export interface HostProcess {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, names one process (pids are reused). */
  start: string;
  cmdline: string;
  environ: string;
}

async function read(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).replaceAll("\0", " ");
  } catch {
    return ""; // gone meanwhile, or not ours to read
  }
}

/** Every live process of the host (zombies, which run nothing, left out). */
export async function hostProcesses(): Promise<HostProcess[]> {
  const out: HostProcess[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = await read(`/proc/${entry.name}/stat`);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (!stat || fields[0] === "Z" || fields[0] === "X") continue;
    out.push({
      pid: Number(entry.name),
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      start: fields[19] ?? "",
      cmdline: await read(`/proc/${entry.name}/cmdline`),
      environ: await read(`/proc/${entry.name}/environ`),
    });
  }
  return out;
}

/** `pid`'s live descendants (not `pid` itself). */
export async function descendants(pid: number): Promise<HostProcess[]> {
  const all = await hostProcesses();
  const found: HostProcess[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** Which of `processes` still run (zombies count as gone; a reused pid is another process). */
export async function stillRunning(processes: HostProcess[]): Promise<HostProcess[]> {
  const wanted = new Set(processes.map((p) => `${p.pid}/${p.start}`));
  return (await hostProcesses()).filter((p) => wanted.has(`${p.pid}/${p.start}`));
}

/** SIGKILLs `processes` (a test's own leftovers), ignoring those already gone. */
export function killAll(processes: HostProcess[]): void {
  for (const p of processes) {
    try {
      Deno.kill(p.pid, "SIGKILL");
    } catch { /* gone */ }
  }
}
