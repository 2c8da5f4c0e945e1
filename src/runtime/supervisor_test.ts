import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/wait_for.ts";
import { PluginTimeoutError, PluginUnavailableError } from "./errors.ts";
import { Supervisor } from "./supervisor.ts";
import { FAKE_PLAN, type FakePlugin, fakeRunner, fakeSpec } from "./_fake_runner.ts";
import { MemoryHost } from "./memory_host.ts";

const spec = fakeSpec;

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
  assert.deepEqual(runner.plans, [FAKE_PLAN]);
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

Deno.test("Supervisor stops a plugin whose watched $DATA outgrows its limit, and says why", async () => {
  const plugin = { filters: { "text.same": (d: unknown) => d } };
  const { sup } = supervisor(plugin, { diskWatchMs: 10 });
  await using _ = sup;
  let used = 0;
  sup.register({
    ...spec(plugin),
    disk: {
      limitBytes: 8 * 1024 * 1024,
      usage: () => Promise.resolve(used),
      enforcement: "watched",
    },
  });
  await sup.start("fake");
  assert.deepEqual((await sup.stats("fake")).disk, {
    usedBytes: 0,
    limitBytes: 8 * 1024 * 1024,
    enforcement: "watched",
  });
  used = 9 * 1024 * 1024;
  await waitFor(() => sup.state("fake") === "failed", "stopped at the limit");
  const s = await waitFor(async () => {
    const s = await sup.stats("fake");
    return s.pid === undefined ? s : undefined;
  }, "the process to be gone");
  assert.match(s.reason ?? "", /\$DATA holds 9\.0 MiB, over its 8 MiB limit/);
});

Deno.test("Supervisor never starts a plugin again once it is being unregistered", async () => {
  const plugin = { filters: { "text.same": (d: unknown) => d } };
  let late: Promise<unknown> | undefined;
  const { sup, runner } = supervisor(plugin, {
    // A call arriving just as the old process has stopped (a cron tick during a restart).
    onStateChange: (id, state) => {
      if (state === "stopped") late ??= sup.invoke(id, "filter", "text.same", {});
    },
  });
  await using _ = sup;
  sup.register(spec(plugin));
  await sup.start("fake");
  await sup.unregister("fake");
  await assert.rejects(late!, PluginUnavailableError);
  await waitFor(() => runner.live === 0, "no process left behind");
  assert.equal(runner.plans.length, 1, "started once");
});

Deno.test("Supervisor's idle stop waits for the end of a call longer than the idle time", async () => {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  const plugin = { actions: { "work.slow": async () => (await finished, { done: true }) } };
  const { sup, runner } = supervisor(plugin, { idleStopMs: 20 });
  await using _ = sup;
  // A plugin without filters, gates or routes may stop when idle.
  const s = spec(plugin);
  sup.register({ ...s, expectedHandlers: { ...s.expectedHandlers, actions: ["work.slow"] } });
  const call = sup.invoke("fake", "action", "work.slow", {});
  await waitFor(() => sup.state("fake") === "running", "the start");
  // Several idle periods pass while the call runs (the time passing is what is tested).
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(sup.state("fake"), "running", "stopped under a call in flight");
  finish();
  assert.deepEqual(await call, { done: true });
  await waitFor(() => sup.state("fake") === "stopped", "the idle stop once the call ended");
  assert.equal(runner.plans.length, 1);
});

Deno.test("Supervisor's idle stop counts from the last of many calls (its timer is not reset per call)", async () => {
  const plugin = { actions: { "work.quick": () => ({ ok: true }) } };
  const idleStopMs = 300;
  const { sup, runner } = supervisor(plugin, { idleStopMs });
  await using _ = sup;
  const s = spec(plugin);
  sup.register({ ...s, expectedHandlers: { ...s.expectedHandlers, actions: ["work.quick"] } });
  // Calls for three idle periods, a few ms apart: the timer armed by the first fires meanwhile
  // and must re-arm from the latest call instead of stopping the plugin.
  let maxGap = 0;
  let last = performance.now();
  const until = last + 3 * idleStopMs;
  while (performance.now() < until) {
    assert.deepEqual(await sup.invoke("fake", "action", "work.quick", {}), { ok: true });
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // Only a pause longer than the idle time (a stalled machine) may have stopped it between calls.
  if (maxGap < idleStopMs) assert.equal(runner.plans.length, 1, "never stopped while called");
  await waitFor(() => sup.state("fake") === "stopped", "the idle stop after the last call");
  assert.ok(performance.now() - last >= idleStopMs - 20, "not before the idle time had passed");
});

Deno.test("Supervisor: a call that meets an idle stop is answered by a fresh process, which stops idle too", async () => {
  let release!: () => void;
  const shutdownDelay = new Promise<void>((resolve) => release = resolve);
  const plugin = { actions: { "work.quick": () => ({ ok: true }) }, shutdownDelay };
  const { sup, runner } = supervisor(plugin, { idleStopMs: 50 });
  await using _ = sup;
  const s = spec(plugin);
  sup.register({ ...s, expectedHandlers: { ...s.expectedHandlers, actions: ["work.quick"] } });
  assert.deepEqual(await sup.invoke("fake", "action", "work.quick", {}), { ok: true });
  // The idle stop begins; the process holds its exit until released.
  await waitFor(() => sup.state("fake") === "stopping", "the idle stop to begin");
  const call = sup.invoke("fake", "action", "work.quick", {});
  release();
  // Not sent to the process shutting down (it would fail with "exited"): a new one answers.
  assert.deepEqual(await call, { ok: true });
  assert.equal(runner.plans.length, 2);
  assert.equal(sup.state("fake"), "running", "the new process keeps its state");
  // And it too stops once idle: nothing left running.
  await waitFor(() => sup.state("fake") === "stopped" && runner.live === 0, "the second stop");
});
