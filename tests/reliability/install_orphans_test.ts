/**
 * Issue 22, "Smaller": the `deno info/cache/check` an install runs dies with the daemon. Killed
 * (SIGKILL) while one runs, the daemon leaves no such process behind, with the bubblewrap sandbox
 * (`--die-with-parent`) and in flags mode (`setpriv --pdeathsig KILL`).
 */
import { startDaemon } from "../helpers/daemon.ts";
import { call, fixture, OPTS, waitFor } from "./_helpers.ts";

/** Pids of processes whose command line mentions `needle`. */
async function processesWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmdline.includes(needle)) pids.push(Number(e.name));
  }
  return pids;
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
        seen = await waitFor(
          async () => {
            const pids = await processesWith(needle);
            return pids.length > 0 ? pids : null;
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
        for (const pid of await processesWith(needle)) signal(pid, "SIGKILL");
      }
    },
  );
}
