import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/wait_for.ts";
import { PluginTimeoutError } from "./errors.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import { Supervisor } from "./supervisor.ts";
import type { PluginSpec } from "./supervisor_types.ts";
import { type FakePlugin, fakeRunner } from "./_fake_runner.ts";
import { MemoryHost } from "./memory_host.ts";

const PLAN: LaunchPlan = {
  argv: ["/fake"],
  env: {},
  envNames: [],
  cgroups: [],
  caps: "fake caps",
  cpuQuota: true,
  paths: { data: "/data", tmp: "/tmp" },
};

function spec(plugin: FakePlugin, timeoutMs = 1000): PluginSpec {
  return {
    id: "fake",
    version: "1.0.0",
    expectedHandlers: {
      actions: [],
      filters: Object.keys(plugin.filters ?? {}),
      gates: [],
      routes: [],
      cron: [],
      lifecycle: [],
    },
    limits: { memory_mb: 64, timeout_ms: timeoutMs, concurrency: 4 },
    plan: () => PLAN,
  };
}

function supervisor(
  plugin: FakePlugin,
  options: Partial<ConstructorParameters<typeof Supervisor>[0]> = {},
) {
  const runner = fakeRunner(plugin);
  const sup = new Supervisor({
    hostHandler: new MemoryHost(),
    runner,
    healthIntervalMs: 0,
    backoff: { initialMs: 1, maxMs: 5 },
    ...options,
  });
  return { sup, runner };
}

Deno.test("Supervisor starts the plan through its runner and answers calls", async () => {
  const plugin = {
    filters: {
      "text.upper": (d: unknown) => ({ text: String((d as { text: string }).text).toUpperCase() }),
    },
  };
  const { sup, runner } = supervisor(plugin);
  await using _ = sup;
  sup.register(spec(plugin));
  assert.deepEqual(await sup.invoke("fake", "filter", "text.upper", { text: "a" }), { text: "A" });
  assert.deepEqual(runner.plans, [PLAN]);
  assert.equal((await sup.stats("fake")).caps, "fake caps");
});

Deno.test("Supervisor kills a call that does not answer in time and starts the plugin again", async () => {
  const plugin = { filters: { "never.answers": () => new Promise(() => {}) } };
  const { sup, runner } = supervisor(plugin);
  await using _ = sup;
  sup.register(spec(plugin, 30));
  await assert.rejects(sup.invoke("fake", "filter", "never.answers", {}), PluginTimeoutError);
  await waitFor(() => sup.state("fake") === "running" && runner.plans.length === 2, "restart");
  assert.equal((await sup.stats("fake")).timeouts, 1);
});

Deno.test("Supervisor marks a plugin failed after more crashes than the budget", async () => {
  const plugin = { crashAfterReady: 3 };
  const { sup, runner } = supervisor(plugin, { crashBudget: { restarts: 2, windowMs: 60_000 } });
  await using _ = sup;
  sup.register(spec(plugin));
  await sup.start("fake");
  await waitFor(() => sup.state("fake") === "failed", "failed");
  assert.match((await sup.stats("fake")).reason ?? "", /crashed 3 times within 60 s/);
  assert.equal(runner.plans.length, 3);
  assert.equal(runner.live, 0);
});
