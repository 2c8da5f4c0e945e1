import assert from "node:assert/strict";
import { startInParallel, startOrder } from "./start_order.ts";
import type { PluginRecord } from "./types.ts";

function plugin(id: string, deps: string[] = []): PluginRecord {
  const plugins = Object.fromEntries(deps.map((d) => [d, "*"]));
  return { id, manifest: { dependencies: { plugins } } } as unknown as PluginRecord;
}

Deno.test("startOrder() puts dependencies first, ties by id, and tolerates a cycle", () => {
  const order = startOrder([
    plugin("c", ["a"]),
    plugin("b"),
    plugin("a"),
    plugin("x", ["y"]),
    plugin("y", ["x"]),
  ]);
  assert.deepEqual(order.map((p) => p.id), ["a", "b", "c", "y", "x"]);
});

Deno.test("startInParallel() runs up to `concurrency` starts at once, each after its dependencies", async () => {
  const events: string[] = [];
  let running = 0;
  let most = 0;
  const gates = new Map<string, () => void>();
  const started = (id: string) => events.push(`start ${id}`);
  const run = startInParallel(
    [plugin("a"), plugin("b"), plugin("c"), plugin("d", ["a"]), plugin("e", ["d", "b"])],
    async (p) => {
      started(p.id);
      most = Math.max(most, ++running);
      await new Promise<void>((r) => gates.set(p.id, r));
      running--;
      events.push(`done ${p.id}`);
      if (p.id === "b") throw new Error("b broke");
    },
    { concurrency: 2, onError: (p, e) => events.push(`error ${p.id}: ${e.message}`) },
  );
  const open = async (id: string) => {
    while (!gates.has(id)) await new Promise((r) => setTimeout(r, 1));
    gates.get(id)!();
  };
  await open("a");
  await open("b");
  await open("c");
  await open("d");
  await open("e");
  await run;
  assert.equal(most, 2);
  assert.ok(events.indexOf("start d") > events.indexOf("done a"));
  // A failed dependency still lets its dependents try (they report their own problem).
  assert.ok(events.indexOf("start e") > events.indexOf("done d"));
  assert.ok(events.indexOf("start e") > events.indexOf("error b: b broke"));
  assert.deepEqual(events.filter((e) => e.startsWith("start")).length, 5);
});

Deno.test("startInParallel() refuses a concurrency below 1", async () => {
  await assert.rejects(
    startInParallel([], () => Promise.resolve(), { concurrency: 0, onError: () => {} }),
    RangeError,
  );
});

Deno.test("startInParallel() runs each `ready` ahead of the slots, and skips a start whose `ready` failed", async () => {
  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const run = startInParallel(
    [plugin("a"), plugin("b", ["a"]), plugin("c")],
    async (p) => {
      events.push(`start ${p.id}`);
      if (p.id === "a") await gate;
    },
    {
      concurrency: 1,
      onError: (p, e) => events.push(`error ${p.id}: ${e.message}`),
      ready: (p) => {
        events.push(`ready ${p.id}`);
        return p.id === "c" ? Promise.reject(new Error("no volume")) : Promise.resolve();
      },
    },
  );
  // The one slot is held by a's start; every `ready` still runs, b's without waiting for a.
  while (!events.includes("error c: no volume")) await new Promise((r) => setTimeout(r, 1));
  assert.ok(events.includes("ready b"));
  assert.ok(!events.includes("start b"));
  release();
  await run;
  assert.ok(events.indexOf("start b") > events.indexOf("ready b"));
  assert.ok(!events.includes("start c"));
});
