import assert from "node:assert/strict";
import { MemoryRelease } from "./release_memory.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

Deno.test("MemoryRelease collects once after a burst of pokes", async () => {
  using release = new MemoryRelease(20);
  for (let i = 0; i < 5; i++) release.poke();
  await waitFor(() => release.runs === 1, "one collection after the burst");
  assert.ok(release.lastPauseMs > 0, "the pause is measured");
  release.poke();
  await waitFor(() => release.runs === 2, "another after the next burst");
});

Deno.test("MemoryRelease gives garbage back", async () => {
  using release = new MemoryRelease(0);
  let junk: string[] = [];
  for (let i = 0; i < 200_000; i++) junk.push(`${i}`.repeat(20));
  const before = Deno.memoryUsage().heapUsed;
  junk = [];
  release.poke();
  await waitFor(() => release.runs === 1, "the collection");
  assert.ok(junk.length === 0 && Deno.memoryUsage().heapUsed < before, "the heap shrank");
});
