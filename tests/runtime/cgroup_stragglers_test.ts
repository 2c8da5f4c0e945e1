/**
 * A launch whose main process exits while something it started is still in its cgroup (e.g.
 * bubblewrap's sandbox pid 1, orphaned when its outer process is killed before pid 1 armed
 * `--die-with-parent`: it then waits forever in its set-up) is released whole: the runner kills
 * what is left in the cgroup, so the cgroup goes, the output pipes close and the next launch of
 * the plugin is not held up.
 */
import assert from "node:assert/strict";
import { launcherArgv } from "../../src/runtime/launcher.ts";
import type { LaunchPlan } from "../../src/runtime/launch_plan.ts";
import { processRunner } from "../../src/runtime/mod.ts";
import { detectResourceCaps, releaseResourceCaps } from "../../src/runtime/resource_caps.ts";
import { OPTS } from "./_helpers.ts";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test(
  "a process left in an exited launch's cgroup is killed and the cgroup released",
  OPTS,
  async () => {
    const facts = await detectResourceCaps({
      instance: `stragglers-${crypto.randomUUID().slice(0, 8)}`,
    });
    if (facts.mechanism !== "cgroup-v1" && facts.mechanism !== "cgroup-v2") return; // no cgroups
    const parent = facts.mechanism === "cgroup-v1" ? facts.parents.pids : facts.parent;
    const dir = `${parent}/straggler`;
    let straggler = 0;
    try {
      // The launch's process leaves a child behind (not holding the output pipes), prints its
      // pid and exits at once.
      const script = "sleep 300 </dev/null >/dev/null 2>&1 & echo $!";
      const plan = {
        argv: launcherArgv(["/bin/sh", "-c", script], { cgroupProcs: [`${dir}/cgroup.procs`] }),
        env: { PATH: "/usr/bin:/bin" },
        envNames: [],
        cgroups: [{ dir, files: [] }],
        caps: "test",
        cpuQuota: false,
        afterReady: [],
        paths: { data: "/tmp", tmp: "/tmp" },
        quota: {},
      } as unknown as LaunchPlan;
      const child = await processRunner().start(plan);
      child.stdin.close();
      const output = await new Response(child.stdout).text();
      await new Response(child.stderr).text();
      straggler = Number(output.trim());
      assert.ok(straggler > 0, `the script printed its child's pid: ${output}`);
      assert.equal((await child.status).code, 0);
      await child.released;
      assert.equal(alive(straggler), false, "the detached child was killed");
      await assert.rejects(Deno.stat(dir), Deno.errors.NotFound, "the cgroup was removed");
    } finally {
      if (straggler > 0 && alive(straggler)) Deno.kill(straggler, "SIGKILL");
      await releaseResourceCaps(facts);
    }
  },
);
