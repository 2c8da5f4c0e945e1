/**
 * Issue 22, "Smaller": the `deno info/cache/check` an install runs dies with the daemon. Killed
 * (SIGKILL) while one runs, the daemon leaves no such process behind, with the bubblewrap sandbox
 * (`--die-with-parent`) and in flags mode (`setpriv --pdeathsig KILL`).
 */
import { startDaemon } from "../helpers/daemon.ts";
import { call, fixture, OPTS, waitFor } from "./_helpers.ts";

/** A process: its parent, its executable and whether its command line mentions the needle. */
interface Proc {
  pid: number;
  ppid: number;
  exe: string;
  match: boolean;
}

async function processes(needle: string): Promise<Proc[]> {
  const all: Proc[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const exe = await Deno.readLink(`/proc/${e.name}/exe`).catch(() => "");
    const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    all.push({ pid: Number(e.name), ppid, exe, match: cmdline.includes(needle) });
  }
  return all;
}

/** Pids of processes whose command line mentions `needle`, and of their descendants. */
async function processesWith(needle: string): Promise<Proc[]> {
  const all = await processes(needle);
  const found = new Set(all.filter((p) => p.match).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) grew = found.add(p.pid) !== null;
    }
  }
  return all.filter((p) => found.has(p.pid));
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* already gone */ }
}

for (const sandbox of ["bwrap", "flags"]) {
  Deno.test(
    `a daemon killed during an install leaves no deno check behind (${sandbox})`,
    OPTS,
    async () => {
      const d = await startDaemon({ env: { PLUGD_SANDBOX: sandbox } });
      // The prepare steps run with the version's prepared folder in their arguments.
      const needle = `${d.stateDir}/prepared/counter/1.0.0`;
      const install = call(d, "POST", "/v1/plugins", { source: fixture("counter-v1", "lifecycle") })
        .catch(() => null);
      let seen: number[] = [];
      try {
        // The deno step itself (past exec, so its parent-death signal is set), not a wrapper
        // caught between fork and exec.
        seen = await waitFor(
          async () => {
            const steps = (await processesWith(needle)).filter((p) => /\/deno$/.test(p.exe));
            return steps.length > 0 ? steps.map((p) => p.pid) : null;
          },
          "a prepare step of the install",
          60_000,
        );
        // Stopped, the step cannot finish on its own: only a parent-death signal ends it.
        for (const pid of seen) signal(pid, "SIGSTOP");
      } finally {
        await d.kill();
      }
      await install;
      try {
        await waitFor(
          async () => (await processesWith(needle)).length === 0,
          `no prepare step of the killed daemon (${seen.join(", ")}) is left`,
          10_000,
        );
      } finally {
        for (const p of await processesWith(needle)) signal(p.pid, "SIGKILL");
      }
    },
  );
}
