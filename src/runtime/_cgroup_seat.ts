/**
 * A seat: a launcher process started ahead of time in a fresh cgroup set of its own, waiting to be
 * told what to `exec` (see {@linkcode SEAT_SCRIPT}). Joining cgroups is wall time a start waited
 * for: on cgroup v1 a write to `cgroup.procs` takes the threadgroup rwsem, whose writer waits for
 * an RCU grace period after a quiet spell. A seat pays that before any start needs it; the start
 * renames the seat's folders to the plugin's (no migration, no grace period), writes the plugin's
 * limits and hands over the command.
 */
import { SEAT_NAME, SEAT_SCRIPT } from "./launcher.ts";

const READY = new TextEncoder().encode("ready\n");

/** Options of {@linkcode CgroupSeat.open}. */
export interface SeatOptions {
  /** One parent folder per cgroup hierarchy; the seat's cgroup is `<parent>/<name>` in each. */
  parents: string[];
  /** The cgroup folders' name (a dot name: no plugin id starts with a dot). */
  name: string;
  /** Where the command file goes (a folder only the daemon can write). */
  commandFile: string;
  /** `argv[0]` of the shell. */
  shell: string;
}

/** A waiting launcher in its own cgroups; a start takes it, or `discard()` ends it. */
export class CgroupSeat {
  readonly dirs: string[];
  readonly commandFile: string;
  readonly child: Deno.ChildProcess;
  #ended = false;

  private constructor(dirs: string[], commandFile: string, child: Deno.ChildProcess) {
    this.dirs = dirs;
    this.commandFile = commandFile;
    this.child = child;
    child.status.finally(() => this.#ended = true);
  }

  /** Whether its process ended while it waited (killed from outside): it cannot be taken. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Makes the cgroup folders, starts the seat and waits until it is in every one of them (its
   * `ready` line). Throws (having removed what it made) when any step fails.
   *
   * @example
   * ```ts
   * const seat = await CgroupSeat.open({ parents, name: ".seat-1", commandFile, shell: "/bin/sh" });
   * ```
   */
  static async open(o: SeatOptions): Promise<CgroupSeat> {
    const dirs = o.parents.map((p) => `${p}/${o.name}`);
    const made: string[] = [];
    let child: Deno.ChildProcess | undefined;
    try {
      for (const dir of dirs) {
        await Deno.mkdir(dir);
        made.push(dir);
      }
      child = new Deno.Command(o.shell, {
        args: [
          "-c",
          SEAT_SCRIPT,
          SEAT_NAME,
          o.commandFile,
          ...dirs.map((d) => `${d}/cgroup.procs`),
        ],
        env: {},
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      if (!await readReady(child.stdout)) throw new Error("the seat did not join its cgroups");
      return new CgroupSeat(dirs, o.commandFile, child);
    } catch (error) {
      if (child) await stopChild(child);
      for (const dir of made) await Deno.remove(dir).catch(() => {});
      throw error;
    }
  }

  /** Ends a seat that was not handed over (or failed to be): its process, then its folders. */
  async discard(dirs: string[] = this.dirs): Promise<void> {
    await stopChild(this.child);
    await Deno.remove(this.commandFile).catch(() => {});
    for (const dir of dirs) await Deno.remove(dir).catch(() => {});
  }
}

/**
 * Reads the seat's `ready` line and gives the stream back: nothing else can be in the pipe before
 * `go`, since nothing but the seat runs yet.
 */
async function readReady(stdout: ReadableStream<Uint8Array>): Promise<boolean> {
  const reader = stdout.getReader();
  const got: number[] = [];
  try {
    while (got.length < READY.length) {
      const { value, done } = await reader.read();
      if (done) return false;
      got.push(...value);
    }
    return got.length === READY.length && got.every((b, i) => b === READY[i]);
  } finally {
    reader.releaseLock();
  }
}

/** Closes the seat's stdin (it exits at end of input), kills it, drains its output. */
async function stopChild(child: Deno.ChildProcess): Promise<void> {
  await child.stdin.close().catch(() => {});
  try {
    child.kill("SIGKILL");
  } catch { /* already gone */ }
  await Promise.allSettled([child.stdout.cancel(), child.stderr.cancel(), child.status]);
}
