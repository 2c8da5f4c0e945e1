/**
 * A daemon's cgroup folders (`plugd/<instance>` in each hierarchy) go away when it stops: left
 * behind, every daemon run on a new state dir added three empty cgroups to the host, and each cpu
 * quota write walks them all.
 */
import assert from "node:assert/strict";
import { detectResourceCaps, releaseResourceCaps } from "../../src/runtime/resource_caps.ts";
import { OPTS } from "./_helpers.ts";

Deno.test(
  "releaseResourceCaps() removes the instance's cgroup folders and empty leftovers",
  OPTS,
  async () => {
    const instance = `release-${crypto.randomUUID().slice(0, 8)}`;
    const facts = await detectResourceCaps({ instance });
    const dirs = facts.mechanism === "cgroup-v1"
      ? Object.values(facts.parents)
      : facts.mechanism === "cgroup-v2"
      ? [facts.parent]
      : [];
    if (dirs.length === 0) return; // no cgroups on this host: nothing is created, nothing to remove
    for (const d of dirs) assert.ok((await Deno.stat(d)).isDirectory, d);
    await Deno.mkdir(`${dirs[0]}/leftover-plugin`); // an empty plugin cgroup of a crashed run
    await releaseResourceCaps(facts);
    for (const d of dirs) {
      await assert.rejects(Deno.stat(d), Deno.errors.NotFound, `${d} still there`);
    }
  },
);
