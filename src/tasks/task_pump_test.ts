import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import { TaskService } from "./task_service.ts";
import type { TaskHost } from "./task_host.ts";

/** A processor of `work` (2 at once) whose calls end when the test says so. */
function heldHost() {
  const calls: { id: string; end: () => void }[] = [];
  let called = Promise.withResolvers<void>();
  const plugin = {
    id: "p",
    manifest: {
      hooks: [{
        kind: "task",
        name: "work",
        task: { concurrency: 2, retries: 0, timeout_ms: null, fleet: false },
      }],
      limits: { timeout_ms: 60_000 },
    },
  } as unknown as PluginRecord;
  const host: TaskHost = {
    enabled: () => Promise.resolve([plugin]),
    invoke: (_plugin, _kind, _name, payload) => {
      const { promise, resolve } = Promise.withResolvers<unknown>();
      calls.push({ id: (payload as { id: string }).id, end: () => resolve({ ok: true }) });
      called.resolve();
      return promise;
    },
  };
  /** Resolves once `n` calls were made. */
  const calledTimes = async (n: number) => {
    while (calls.length < n) {
      called = Promise.withResolvers<void>();
      await called.promise;
    }
  };
  return { host, calls, calledTimes };
}

Deno.test("TaskPump: slots freed by ended attempts start the queued tasks, each once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-tasks-pump-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  const { host, calls, calledTimes } = heldHost();
  const tasks = new TaskService(store, host, { log: () => {} });
  try {
    await tasks.start();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await tasks.submit("work", { input: { i } }, "t")).id);
    await calledTimes(2);
    assert.deepEqual(calls.map((c) => c.id), ids.slice(0, 2), "oldest first, 2 at once");
    calls[0]!.end();
    calls[1]!.end();
    await calledTimes(4); // the two freed slots take the next two from the lane's queue
    assert.deepEqual(calls.map((c) => c.id), ids.slice(0, 4));
    assert.equal((await tasks.wait(ids[1]!, 30)).status, "succeeded");
    // A task submitted while every slot is taken waits, then runs once a slot frees.
    const late = (await tasks.submit("work", { input: { late: true } }, "t")).id;
    for (let k = 2; k < 5; k++) {
      calls[k]!.end();
      await calledTimes(k + 3); // each ended call's slot takes the next queued task
    }
    for (const c of calls.slice(5)) c.end();
    for (const id of [...ids, late]) assert.equal((await tasks.wait(id, 30)).status, "succeeded");
    assert.deepEqual(calls.map((c) => c.id), [...ids, late], "each task ran once, in order");
  } finally {
    await tasks.stop(1000);
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskPump: queued tasks start after enable, idle stop and crash restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-tasks-pump-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  const held = heldHost();
  const { calls, calledTimes } = held;
  const listeners: ((id: string, state: string) => void)[] = [];
  const state = (s: string) => listeners.forEach((l) => l("p", s));
  let enabled = true;
  let lookups = 0;
  let lookedUp = Promise.withResolvers<void>();
  let restarting = false;
  const refused = Promise.withResolvers<void>();
  const host: TaskHost = {
    enabled: async () => {
      const plugins = enabled ? await held.host.enabled() : [];
      lookups++;
      lookedUp.resolve();
      return plugins;
    },
    invoke: (...args) => {
      if (!restarting) return held.host.invoke(...args);
      const error = new Error(`Plugin "p" is unavailable: restarting`);
      error.name = "PluginUnavailableError";
      refused.resolve();
      return Promise.reject(error);
    },
    watchState: (listener) => void listeners.push(listener),
  };
  const tasks = new TaskService(store, host, { log: () => {}, retryBaseMs: 10 });
  const endAll = () => calls.forEach((c) => c.end());
  try {
    // Queued while the processor is disabled: the lane waits, and enabling it starts them.
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await tasks.submit("work", { input: { i } }, "t")).id);
    enabled = false;
    const lookedUpTimes = async (n: number) => {
      while (lookups < n) {
        lookedUp = Promise.withResolvers<void>();
        await lookedUp.promise;
      }
    };
    await tasks.start();
    await lookedUpTimes(1); // the recovery's
    state("stopped"); // so the lane looks up again
    await lookedUpTimes(2); // the lane's: no processor, so it waits
    for (const id of ids) assert.equal((await tasks.get(id)).status, "queued");
    assert.equal(calls.length, 0);
    enabled = true;
    state("starting");
    await calledTimes(2);
    endAll();
    for (const id of ids) assert.equal((await tasks.wait(id, 30)).status, "succeeded");

    // An on-demand processor stopped when idle: the next task starts it (the call does).
    state("stopping");
    state("stopped");
    const afterIdle = (await tasks.submit("work", {}, "t")).id;
    await calledTimes(3);
    state("starting");
    state("running");
    endAll();
    assert.equal((await tasks.wait(afterIdle, 30)).status, "succeeded");

    // A crashed processor: the call finds it restarting, the task is released and claimed again.
    restarting = true;
    state("backoff");
    const afterCrash = (await tasks.submit("work", {}, "t")).id;
    await refused.promise;
    assert.equal(calls.length, 3);
    // The lane's wake-up timer keeps no process alive (the daemon is kept by its server).
    const alive = setInterval(() => {}, 1000);
    restarting = false;
    state("starting");
    state("running");
    await calledTimes(4).finally(() => clearInterval(alive));
    endAll();
    const view = await tasks.wait(afterCrash, 30);
    assert.equal(view.status, "succeeded");
    assert.deepEqual(view.attempts.map((a) => a.status), ["ok"], "the refused call was no attempt");
  } finally {
    await tasks.stop(1000);
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
