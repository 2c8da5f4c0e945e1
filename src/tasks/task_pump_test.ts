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
