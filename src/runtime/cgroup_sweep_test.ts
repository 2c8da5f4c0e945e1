import assert from "node:assert/strict";
import { ownerMarker, processStartTime, sweepOrphanCgroups } from "./cgroup_sweep.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

// Plain folders stand for cgroups here: like cgroupfs, only an empty folder can be removed.
async function tree(root: string, paths: string[]): Promise<void> {
  for (const p of paths) await Deno.mkdir(`${root}/${p}`, { recursive: true });
}

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

Deno.test("processStartTime() reads a live process's start time and null for a gone one", async () => {
  assert.match(await processStartTime(Deno.pid) ?? "", /^\d+$/);
  assert.equal(await processStartTime(2 ** 30), null);
});

Deno.test("sweepOrphanCgroups() removes a dead owner's empty cgroups and keeps the rest", async () => {
  const root = await moduleTempDir("plugd-test-");
  try {
    const live = await ownerMarker();
    const reused = `.daemon-${Deno.pid}-1`; // this pid, another start time: not the owner
    await tree(root, [
      "own/a",
      "dead/.daemon-1073741824-5/",
      "dead/p1",
      "dead/p2",
      `reused/${reused}`,
      "reused/p",
      `live/${live}`,
      "live/p",
      "legacy/p",
    ]);
    await Deno.writeTextFile(`${root}/dead/p2/busy`, ""); // a cgroup still in use
    const removed = await sweepOrphanCgroups(root, "own");
    assert.equal(removed, 5); // dead's marker and p1, reused's marker, p and folder
    assert.ok(await exists(`${root}/own/a`), "own instance untouched");
    assert.ok(!await exists(`${root}/dead/p1`));
    assert.ok(await exists(`${root}/dead/p2/busy`), "a busy cgroup stays");
    assert.ok(!await exists(`${root}/reused`));
    assert.ok(await exists(`${root}/live/p`), "a live owner's cgroups stay");
    assert.ok(await exists(`${root}/legacy/p`), "a young unmarked cgroup stays");
    await sweepOrphanCgroups(root, "own", { minAgeMs: 0 });
    assert.ok(!await exists(`${root}/legacy`), "an old unmarked instance goes");
    assert.ok(await exists(`${root}/live/p`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("sweepOrphanCgroups() only looks at folders with the prefix (cgroup v2)", async () => {
  const root = await moduleTempDir("plugd-test-");
  try {
    await tree(root, ["plugd-x/.daemon-1073741824-1", "plugd-x/p", "other/.daemon-1073741824-1"]);
    await sweepOrphanCgroups(root, "own", { prefix: "plugd-" });
    assert.ok(!await exists(`${root}/plugd-x`));
    assert.ok(await exists(`${root}/other/.daemon-1073741824-1`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
