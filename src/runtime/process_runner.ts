/** The real {@linkcode Runner}: cgroups and the secret arguments file, then `Deno.Command`. */
import { type ChannelSocket, listenChannel } from "./channel_socket.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner, RunningChild } from "./runner.ts";

const encoder = new TextEncoder();

// cgroup files are written with sync calls: cgroupfs work is in-kernel (microseconds, no disk),
// while each async call is a hop to a blocking-pool thread and back, which a loaded machine
// delays; a start made about ten of them.

/**
 * Removes a launch's cgroup once its process has exited. What is still in it belongs to that
 * launch and is killed first: e.g. bubblewrap's sandbox pid 1 when its outer process was killed
 * before pid 1 armed `--die-with-parent` (a launch failed early); it waits forever in its set-up,
 * holding the plugin's output pipes open and the cgroup busy.
 */
async function removeDir(dir: string): Promise<void> {
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

function removedNow(dir: string): boolean {
  try {
    Deno.removeSync(dir);
    return true;
  } catch {
    return false; // a process is still leaving it: reuse it
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a runner. A plugin's cgroups are named after it, so a start waits until the previous
 * process of the same plugin has released them.
 */
export function processRunner(): Runner {
  const releasing = new Map<string, Promise<void>>();
  return {
    async start(plan: LaunchPlan): Promise<RunningChild> {
      await Promise.all(plan.cgroups.map((c) => releasing.get(c.dir)));
      let socket: ChannelSocket | undefined;
      const cleanup = async () => {
        socket?.close();
        if (plan.argsFile) await Deno.remove(plan.argsFile.path).catch(() => {});
        for (const c of plan.cgroups) await removeDir(c.dir);
      };
      let child: Deno.ChildProcess;
      try {
        for (const c of plan.cgroups) {
          let leftover = exists(c.dir);
          // An empty leftover is made anew: a fresh folder has the kernel's defaults, and its
          // age tells other daemons' sweeps (cgroup_sweep.ts) that it is about to be joined.
          if (leftover) leftover = !removedNow(c.dir);
          Deno.mkdirSync(c.dir, { recursive: true });
          const files = leftover ? [...(c.defaults ?? []), ...c.files] : c.files;
          for (const [file, value] of files) Deno.writeTextFileSync(`${c.dir}/${file}`, value);
        }
        if (plan.argsFile) {
          await Deno.remove(plan.argsFile.path).catch(() => {});
          const bytes = encoder.encode(plan.argsFile.args.map((a) => `${a}\0`).join(""));
          await Deno.writeFile(plan.argsFile.path, bytes, { mode: 0o600, createNew: true });
        }
        const ch = plan.channel;
        if (ch) socket = listenChannel(ch.hostPath, { mode: ch.mode, owner: ch.owner });
        child = new Deno.Command(plan.argv[0]!, {
          args: plan.argv.slice(1),
          env: plan.env,
          clearEnv: true,
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
      } catch (error) {
        await cleanup();
        throw error;
      }
      const status = child.status.then((s) => ({ code: s.code, signal: s.signal }));
      if (socket) {
        // The nonce goes to the child's stdin, which then closes: frames travel on the socket.
        const writer = child.stdin.getWriter();
        writer.write(encoder.encode(`${socket.nonce}\n`)).then(() => writer.close()).catch(
          () => {},
        );
        status.then(() => socket?.close());
      }
      const released = status.then(cleanup);
      for (const c of plan.cgroups) {
        const r = released.finally(() => {
          if (releasing.get(c.dir) === r) releasing.delete(c.dir);
        });
        releasing.set(c.dir, r);
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
          try {
            for (const [file, value] of plan.afterReady) Deno.writeTextFileSync(file, value);
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
  };
}
