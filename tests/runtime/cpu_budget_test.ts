import assert from "node:assert/strict";
import { startPlugin } from "../../src/harness/mod.ts";
import { overBudget, parseStatCpuSeconds } from "../../src/runtime/cpu_budget.ts";
import { fixture, OPTS, waitFor } from "./_helpers.ts";

Deno.test("parseStatCpuSeconds() reads utime + stime, even with spaces in the name", () => {
  const stat = "42 (deno (worker) x) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
  assert.equal(parseStatCpuSeconds(stat), 3);
});

Deno.test("overBudget() compares CPU seconds with the share of the window", () => {
  const budget = { percent: 50, windowMs: 10_000 };
  assert.equal(overBudget(4.9, 10_000, budget), false);
  assert.equal(overBudget(5.1, 10_000, budget), true);
});

Deno.test(
  "without a cgroup quota, a plugin burning CPU outside calls is restarted",
  OPTS,
  async () => {
    await using p = await startPlugin(fixture("cpuburn"), {
      caps: false,
      // The fixture burns ~90 % of a core; a low bar still trips on a loaded machine.
      cpuBudget: { percent: 10, windowMs: 400 },
    });
    const firstPid = (await p.stats()).pid;
    await waitFor(
      () => p.logs.some((l) => l.stream === "system" && /CPU budget exceeded/.test(l.msg)),
      "the CPU budget to trip",
    );
    const s = await waitFor(async () => {
      const s = await p.stats();
      return s.pid !== firstPid && s.restarts >= 1 ? s : undefined;
    }, "the restart");
    assert.ok(s.restarts >= 1);
  },
);
