/**
 * Issue 22, "Smaller": plugin cgroups left by a daemon that was killed are removed when it
 * starts again (they used to pile up: ~115 after a series of crashes). Issue 23: and when any
 * other daemon starts, once the killed one's state dir is gone for good (~250 had piled up).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { fixture, installEnable, OPTS, waitFor } from "./_helpers.ts";

/** This daemon's cgroup v1 parent folder for the memory controller, or null elsewhere. */
function memoryParent(pid: number, stateDir: string): Promise<string | null> {
  return controllerParent("memory", pid, stateDir);
}

/** This daemon's cgroup v1 parent folder for `controller`, or null elsewhere. */
async function controllerParent(
  controller: string,
  pid: number,
  stateDir: string,
): Promise<string | null> {
  const line = (await Deno.readTextFile(`/proc/${pid}/cgroup`)).split("\n")
    .find((l) => new RegExp(`^\\d+:[^:]*\\b${controller}\\b[^:]*:`).test(l));
  if (!line) return null;
  const own = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stateDir));
  const instance = [...new Uint8Array(digest).slice(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const parent = `/sys/fs/cgroup/${controller}${own === "/" ? "" : own}/plugd/${instance}`;
  return await Deno.stat(parent).then(() => parent, () => null);
}

/** Pids of the processes in the seats' cgroups (`.seat-*`) under `parent`. */
/**
 * The pids in the seat cgroups under `parent`; none once `parent` is gone (a daemon of a test
 * running in parallel may sweep a dead daemon's folder as soon as its cgroups are empty).
 */
async function seatPids(parent: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await Array.fromAsync(Deno.readDir(parent)).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  });
  for (const e of entries) {
    if (!e.isDirectory || !e.name.startsWith(".seat-")) continue;
    const procs = await Deno.readTextFile(`${parent}/${e.name}/cgroup.procs`).catch(() => "");
    out.push(...procs.split("\n").filter(Boolean));
  }
  return out;
}

Deno.test(
  "empty plugin cgroups left by a killed daemon are removed at the next start",
  OPTS,
  async () => {
    const first = await startDaemon();
    try {
      const parent = await memoryParent(first.process.pid, first.stateDir);
      await first.kill();
      // The seats' command folder of a daemon killed for real (in its state dir's launch folder,
      // named after its pid and start time) is swept by the next daemon on that state dir.
      const ghostSeats = `${first.stateDir}/launch/seats-${first.process.pid}-1-0`;
      await Deno.mkdir(ghostSeats);
      await Deno.writeTextFile(`${ghostSeats}/0.sh`, "");
      await using again = await startDaemon({ stateDir: first.stateDir });
      await waitFor(
        () => Deno.stat(ghostSeats).then(() => null, () => "swept"),
        "the killed daemon's seat folder to be swept",
      );
      await again.kill();
      if (!parent) {
        console.log("skipped: no cgroup v1 memory hierarchy for plugd here (caps are not cgroups)");
        return;
      }
      const ghosts = ["ghost-a", "ghost-b"].map((name) => `${parent}/${name}`);
      // (The test helper removes a killed daemon's cgroup folders, as a stopping daemon does; the
      // ghosts stand for what a daemon killed for real leaves behind.)
      for (const dir of ghosts) await Deno.mkdir(dir, { recursive: true });
      await using second = await startDaemon({ stateDir: first.stateDir });
      await second.waitForLog("ready: serving");
      for (const dir of ghosts) {
        assert.equal(await Deno.stat(dir).then(() => "left", () => "removed"), "removed", dir);
      }
    } finally {
      await Deno.remove(first.stateDir, { recursive: true }).catch(() => {});
    }
  },
);

Deno.test(
  "the cgroups of a killed daemon whose state dir is gone are removed when another daemon starts",
  OPTS,
  async () => {
    const first = await startDaemon();
    const { pid } = first.process;
    const parents: string[] = [];
    for (const c of ["memory", "cpu", "pids"]) {
      const p = await controllerParent(c, pid, first.stateDir);
      if (p) parents.push(p);
    }
    if (parents.length < 3) {
      await first.kill();
      await Deno.remove(first.stateDir, { recursive: true }).catch(() => {});
      console.log("skipped: no cgroup v1 memory/cpu/pids hierarchies for plugd here");
      return;
    }
    try {
      const id = await installEnable(first, fixture("echo", "plugins"));
      const procs = (p: string) =>
        Deno.readTextFile(`${p}/${id}/cgroup.procs`).then((t) => t.trim(), () => "");
      await waitFor(async () => (await procs(parents[0]!)) !== "", "the plugin in its cgroup");
      // Once the plugin was ready, the daemon keeps seats: launchers waiting in cgroups of their
      // own (`.seat-*`) for the next start.
      const seats = () => seatPids(parents[2]!);
      const seated = await waitFor(async () => {
        const pids = await seats();
        return pids.length > 0 ? pids : null;
      }, "seats");
      // Killed for real: not through the helper, which removes a killed daemon's cgroups itself.
      first.process.kill("SIGKILL");
      await first.process.status;
      // Its seats' command folder stays in its own state dir (not in $TMPDIR): it goes with it.
      const launch = await Array.fromAsync(Deno.readDir(`${first.stateDir}/launch`));
      assert.equal(launch.some((e) => e.name.startsWith(`seats-${pid}-`)), true);
      // Its plugins die with it (bubblewrap's death signal), leaving their cgroups empty; its
      // seats end at the end of their input.
      for (const p of parents) {
        await waitFor(async () => (await procs(p)) === "" ? "empty" : null, `${p}/${id} empty`);
      }
      await waitFor(async () => (await seats()).length === 0 ? "none" : null, "the seats to end");
      for (const pid of seated) {
        // Ended: gone, or a zombie until whoever adopted it reaps it (a process leaves its
        // cgroups a moment before it is a zombie).
        await waitFor(async () => {
          const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => ") Z");
          return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z" ? "ended" : null;
        }, `seat ${pid} to end`);
      }
      await Deno.remove(first.stateDir, { recursive: true });
      await using second = await startDaemon();
      await second.waitForLog("ready: serving");
      for (const p of parents) {
        assert.equal(await Deno.stat(p).then(() => "left", () => "removed"), "removed", p);
      }
      await second.kill();
      await Deno.remove(second.stateDir, { recursive: true });
    } finally {
      await first.kill();
      await Deno.remove(first.stateDir, { recursive: true }).catch(() => {});
    }
  },
);
