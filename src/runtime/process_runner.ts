/** The real {@linkcode Runner}: cgroups and the secret arguments file, then `Deno.Command`. */
import type { CgroupSeat } from "./_cgroup_seat.ts";
import { makeFresh, removeDir } from "./_launch_cgroups.ts";
import { RenameUnsupported, seatCgroups, seatFit } from "./_seat_handover.ts";
import { SeatKeeper } from "./_seat_keeper.ts";
import { type ChannelSocket, listenChannel } from "./channel_socket.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import { type LauncherParts, seatCommandFile } from "./launcher.ts";
import type { Runner, RunningChild } from "./runner.ts";

const encoder = new TextEncoder();

// cgroup files are written with sync calls: cgroupfs work is in-kernel (microseconds, no disk),
// while each async call is a hop to a blocking-pool thread and back, which a loaded machine
// delays; a start made about ten of them.

/**
 * Writes a file that must be new (0600), replacing what a killed daemon left there: no removal
 * up front, whose failure (nothing there) cost every start an error object.
 */
async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  try {
    return await Deno.writeFile(path, bytes, { mode: 0o600, createNew: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  await Deno.remove(path);
  await Deno.writeFile(path, bytes, { mode: 0o600, createNew: true });
}

/** Options of {@linkcode processRunner}. */
export interface ProcessRunnerOptions {
  /**
   * How many seats (`_cgroup_seat.ts`) wait for starts: launchers already in a fresh cgroup set,
   * so a start does no cgroup migration. Only for plans with cgroup v1 caps, the launcher and no
   * process environment (the bubblewrap sandbox); others start the cold way. Dispose the runner
   * to end them. 0 = none. @default 0
   */
  seats?: number;
  /**
   * Where the seats' command files go (in a folder of this runner's own): a folder only the
   * daemon can write, its state dir's launch folder, so a killed daemon's folder is swept by the
   * next one on that state dir. Required with `seats` > 0.
   */
  seatDir?: string;
}

/** A {@linkcode Runner} that may hold seats: dispose it to end them. */
export interface ProcessRunner extends Runner, AsyncDisposable {
  /** How many seats wait for a start now (0 without seats). */
  readySeats(): number;
}

/**
 * Creates a runner. A plugin's cgroups are named after it, so a start waits until the previous
 * process of the same plugin has released them.
 */
export function processRunner(options: ProcessRunnerOptions = {}): ProcessRunner {
  const { seats = 0, seatDir } = options;
  if (!Number.isInteger(seats) || seats < 0) {
    throw new RangeError(`seats must be a whole number, got ${seats}`);
  }
  if (seats > 0 && seatDir === undefined) {
    throw new TypeError("seats need a seatDir: the daemon's launch folder");
  }
  const keeper = seats > 0 ? new SeatKeeper(seats, seatDir!) : null;
  const releasing = new Map<string, Promise<void>>();

  /** Takes a ready seat and hands it the plan; null when there is none (or it did not fit). */
  async function fromSeat(
    plan: LaunchPlan,
    fit: { parts: LauncherParts; parents: string[] },
  ): Promise<CgroupSeat | null> {
    const seat = keeper!.take(fit.parents);
    if (!seat) return null;
    try {
      await seatCgroups(seat, plan);
      keeper!.taken();
    } catch (e) {
      if (e instanceof RenameUnsupported) keeper!.disable();
      return null; // the cold way, which handles a busy leftover
    }
    return seat;
  }

  return {
    async start(plan: LaunchPlan): Promise<RunningChild> {
      await Promise.all(plan.cgroups.map((c) => releasing.get(c.dir)));
      const fit = keeper ? seatFit(plan) : null;
      let settle = () => {};
      if (fit) {
        let once = false;
        settle = () => once || (once = true, keeper!.settled());
      }
      const seat = fit ? await fromSeat(plan, fit) : null;
      let socket: ChannelSocket | undefined;
      // What the exit's cleanup and `ready()` need, not the plan: closures kept for the process's
      // life would keep every plan string (argv, bwrap arguments, cgroup files) with them.
      const dirs = plan.cgroups.map((c) => c.dir);
      const argsPath = plan.argsFile?.path;
      const afterReady = plan.afterReady;
      const cleanup = async () => {
        socket?.close();
        if (argsPath) await Deno.remove(argsPath).catch(() => {});
        if (seat) await Deno.remove(seat.commandFile).catch(() => {});
        for (const dir of dirs) await removeDir(dir);
      };
      let child: Deno.ChildProcess;
      try {
        if (!seat) {
          for (const c of plan.cgroups) {
            const leftover = !makeFresh(c.dir);
            const files = leftover ? [...(c.defaults ?? []), ...c.files] : c.files;
            for (const [file, value] of files) Deno.writeTextFileSync(`${c.dir}/${file}`, value);
          }
        }
        if (plan.argsFile) {
          const bytes = encoder.encode(plan.argsFile.args.map((a) => `${a}\0`).join(""));
          await writeNew(plan.argsFile.path, bytes);
        }
        const ch = plan.channel;
        if (ch) socket = listenChannel(ch.hostPath, { mode: ch.mode, owner: ch.owner });
        if (seat) {
          Deno.writeTextFileSync(seat.commandFile, seatCommandFile(fit!.parts), {
            mode: 0o600,
            createNew: true,
          });
          child = seat.child;
        } else {
          child = new Deno.Command(plan.argv[0]!, {
            args: plan.argv.slice(1),
            env: plan.env,
            clearEnv: true,
            stdin: "piped",
            stdout: "piped",
            stderr: "piped",
          }).spawn();
        }
      } catch (error) {
        if (seat) await seat.discard([]);
        await cleanup();
        settle();
        throw error;
      }
      const status = child.status.then((s) => ({ code: s.code, signal: s.signal }));
      status.finally(settle);
      // A seat's stdin first carries `go` (the command file is in place), then what follows.
      const writer = seat || socket ? child.stdin.getWriter() : null;
      if (seat) writer!.write(encoder.encode("go\n")).catch(() => {});
      if (socket) {
        // The nonce goes to the child's stdin, which then closes: frames travel on the socket.
        writer!.write(encoder.encode(`${socket.nonce}\n`)).then(() => writer!.close()).catch(
          () => {},
        );
        status.then(() => socket?.close());
      } else writer?.releaseLock();
      const released = status.then(cleanup);
      for (const dir of dirs) {
        const r = released.finally(() => {
          if (releasing.get(dir) === r) releasing.delete(dir);
        });
        releasing.set(dir, r);
      }
      return {
        pid: child.pid,
        stdin: child.stdin,
        ...(socket ? { channel: socket.connection } : {}),
        stdout: child.stdout,
        stderr: child.stderr,
        status,
        released,
        ready() {
          settle();
          // Sourced before the sandbox started, so long before ready: the seat does not `rm` it
          // (an exec on the start's path); the exit's cleanup removes it if ready never comes.
          if (seat) {
            try {
              Deno.removeSync(seat.commandFile);
            } catch { /* gone already */ }
          }
          try {
            for (const [file, value] of afterReady) Deno.writeTextFileSync(file, value);
            return Promise.resolve();
          } catch (error) {
            return Promise.reject(error);
          }
        },
        kill(signal) {
          try {
            child.kill(signal);
          } catch { /* already gone */ }
        },
      };
    },
    readySeats: () => keeper?.ready ?? 0,
    async [Symbol.asyncDispose](): Promise<void> {
      await keeper?.[Symbol.asyncDispose]();
    },
  };
}
