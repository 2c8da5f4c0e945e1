/**
 * The folders of a launch's cgroups: made fresh before a cold spawn (a busy leftover of the same
 * name is reused), removed once its process has exited (what is left in them killed first).
 * Moved out of `process_runner.ts`.
 */

/**
 * Removes a launch's cgroup once its process has exited. What is still in it belongs to that
 * launch and is killed first: e.g. bubblewrap's sandbox pid 1 when its outer process was killed
 * before pid 1 armed `--die-with-parent` (a launch failed early); it waits forever in its set-up,
 * holding the plugin's output pipes open and the cgroup busy.
 */
export async function removeDir(dir: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      Deno.removeSync(dir);
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      killMembers(dir);
      await new Promise((r) => setTimeout(r, 20)); // processes may still be leaving the cgroup
    }
  }
}

/** SIGKILLs every process still in the cgroup folder `dir`. */
function killMembers(dir: string): void {
  let procs: string;
  try {
    procs = Deno.readTextFileSync(`${dir}/cgroup.procs`);
  } catch {
    return;
  }
  for (const pid of procs.split("\n")) {
    if (pid === "") continue;
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch { /* gone meanwhile */ }
  }
}

/** Removes the cgroup folder `dir` if nothing is in it any more. */
export function removedNow(dir: string): boolean {
  try {
    Deno.removeSync(dir);
    return true;
  } catch {
    return false; // a process is still leaving it: reuse it
  }
}

/**
 * Creates a cgroup folder; false when a busy leftover of the same name stays in use. An empty
 * leftover is made anew: a fresh folder has the kernel's defaults, and its age tells other
 * daemons' sweeps (cgroup_sweep.ts) that it is about to be joined. The common case (no leftover,
 * parent there) is one call that does not fail: a failed call's error object cost every start.
 */
export function makeFresh(dir: string): boolean {
  try {
    Deno.mkdirSync(dir);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      Deno.mkdirSync(dir, { recursive: true }); // its parent is not there yet
      return true;
    }
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  if (!removedNow(dir)) return false;
  Deno.mkdirSync(dir);
  return true;
}

/** Whether `path` exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
