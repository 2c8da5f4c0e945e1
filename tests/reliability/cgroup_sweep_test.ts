/**
 * Issue 22, "Smaller": plugin cgroups left by a daemon that was killed are removed when it
 * starts again (they used to pile up: ~115 after a series of crashes).
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { OPTS } from "./_helpers.ts";

/** This daemon's cgroup v1 parent folder for the memory controller, or null elsewhere. */
async function memoryParent(pid: number, stateDir: string): Promise<string | null> {
  const line = (await Deno.readTextFile(`/proc/${pid}/cgroup`)).split("\n")
    .find((l) => /^\d+:[^:]*\bmemory\b[^:]*:/.test(l));
  if (!line) return null;
  const own = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stateDir));
  const instance = [...new Uint8Array(digest).slice(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const parent = `/sys/fs/cgroup/memory${own === "/" ? "" : own}/plugd/${instance}`;
  return await Deno.stat(parent).then(() => parent, () => null);
}

Deno.test(
  "empty plugin cgroups left by a killed daemon are removed at the next start",
  OPTS,
  async () => {
    const first = await startDaemon();
    const parent = await memoryParent(first.process.pid, first.stateDir);
    await first.kill();
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
  },
);
