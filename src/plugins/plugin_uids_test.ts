import assert from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { memoryUids, parseHostIds, storeUids } from "./plugin_uids.ts";

const RANGE = { first: 1_879_048_192, last: 1_879_048_200 };

Deno.test("storeUids() gives each plugin its own uid, the same one every time, skipping host ids", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-uids-" });
  try {
    await using store = await openStore(`file:${dir}/plugd.db`);
    const taken = (id: number) => id === RANGE.first + 1;
    const uids = storeUids(store, { range: RANGE, taken });
    const [a, b, a2] = [await uids.uidOf("a"), await uids.uidOf("b"), await uids.uidOf("a")];
    assert.deepEqual([a, b, a2], [RANGE.first, RANGE.first + 2, RANGE.first]);
    // Stable across restarts: a new allocator on the same database agrees.
    assert.equal(await storeUids(store, { range: RANGE }).uidOf("b"), RANGE.first + 2);
    // Concurrent first uses of one plugin get one uid.
    const same = await Promise.all([uids.uidOf("c"), uids.uidOf("c"), uids.uidOf("c")]);
    assert.equal(new Set(same).size, 1);
    await uids.release("a");
    assert.equal(await uids.uidOf("d"), RANGE.first, "a freed uid is used again");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storeUids() reads every allocation at its first use, never one released meanwhile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-uids-" });
  try {
    await using store = await openStore(`file:${dir}/plugd.db`);
    const first = storeUids(store, { range: RANGE });
    const [a, b] = [await first.uidOf("a"), await first.uidOf("b")];
    // A new allocator (a restart): its first use reads the table; "a" is released while it does.
    const again = storeUids(store, { range: RANGE });
    const asked = again.uidOf("b");
    await again.release("a");
    assert.equal(await asked, b);
    const z = await again.uidOf("z");
    assert.equal(z, a, "the freed uid is used again");
    assert.notEqual(await again.uidOf("a"), z, "a released plugin's uid does not come back");
    // A release begun before the first read, its delete committing while the read runs.
    const third = storeUids(store, { range: RANGE });
    const released = third.release("b");
    const other = third.uidOf("z");
    await released;
    assert.equal(await other, z);
    const y = await third.uidOf("y");
    assert.equal(y, b, "b's freed uid is used again");
    assert.notEqual(await third.uidOf("b"), y, "b's uid does not come back to it");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storeUids() says which setting to change when the range is used up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-uids-" });
  try {
    await using store = await openStore(`file:${dir}/plugd.db`);
    const uids = storeUids(store, { range: { first: 5000, last: 5001 } });
    await uids.uidOf("a");
    await uids.uidOf("b");
    await assert.rejects(uids.uidOf("c"), /PLUGD_UID_RANGE/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("memoryUids() never hands one uid to two plugins", async () => {
  const uids = memoryUids({ range: RANGE });
  const all = await Promise.all(["a", "b", "c", "a"].map((id) => uids.uidOf(id)));
  assert.equal(all[0], all[3]);
  assert.equal(new Set(all).size, 3);
});

Deno.test("parseHostIds() reads accounts and subordinate ranges", () => {
  assert.deepEqual(
    parseHostIds(
      "root:x:0:0::/root:/bin/sh\nplugd:x:998:998::/:/usr/sbin/nologin\n",
      "ops:100000:65536\n",
    ),
    [[0, 0], [998, 998], [100000, 165535]],
  );
});
