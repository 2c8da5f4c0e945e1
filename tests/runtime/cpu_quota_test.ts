/**
 * The CPU quota of a real sandboxed plugin: off while it starts (Deno's start-up is
 * multi-threaded), then the manifest's `limits.cpu_percent` with a burst allowance, written by
 * the runner as soon as the plugin answered the ready handshake.
 */
import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { startPlugin } from "../../src/harness/mod.ts";
import { detectResourceCaps, parseProcCgroup } from "../../src/runtime/resource_caps.ts";
import { fixture, OPTS } from "./_helpers.ts";

Deno.test(
  "a plugin's cgroup cpu quota is its limits.cpu_percent from the ready handshake on",
  OPTS,
  async () => {
    const facts = await detectResourceCaps({ instance: "sdk-testing", sweep: false });
    if (facts.mechanism !== "cgroup-v1" && !(facts.mechanism === "cgroup-v2" && facts.cpu)) {
      return; // no cgroup cpu controller on this host: the CPU budget applies instead
    }
    const dir = await Deno.makeTempDir({ prefix: "plugd-cpu-quota-" });
    try {
      await cp(fixture("echo"), dir, { recursive: true });
      const manifest = join(dir, "plugin.yaml");
      const yaml = (await Deno.readTextFile(manifest)).replace("id: echo", "id: cpu-quota");
      await Deno.writeTextFile(manifest, `${yaml}limits:\n  cpu_percent: 30\n`);
      await using p = await startPlugin(dir, { cpuBudget: null });
      assert.deepEqual(await p.filter("text.upper", { text: "hi" }), { text: "HI" });
      const stats = await p.stats();
      assert.match(stats.caps ?? "", /cpu 30%/);
      // The plugin's own cgroup, from its process (the name carries a random suffix here).
      const own = parseProcCgroup(await Deno.readTextFile(`/proc/${stats.pid!}/cgroup`));
      if (facts.mechanism === "cgroup-v1") {
        const cg = `/sys/fs/cgroup/cpu${own.get("cpu")}`;
        assert.match(cg, /\/cpu-quota-/);
        assert.equal((await Deno.readTextFile(`${cg}/cpu.cfs_quota_us`)).trim(), "30000");
        assert.equal((await Deno.readTextFile(`${cg}/cpu.cfs_period_us`)).trim(), "100000");
        if (facts.cpuBurst) {
          assert.equal((await Deno.readTextFile(`${cg}/cpu.cfs_burst_us`)).trim(), "30000");
        }
      } else if (facts.mechanism === "cgroup-v2") {
        const cg = `/sys/fs/cgroup${own.get("")}`;
        assert.equal((await Deno.readTextFile(`${cg}/cpu.max`)).trim(), "30000 100000");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
