import assert from "node:assert/strict";
import { makeSeatFolder, sweepSeatFolders } from "./_seat_folder.ts";

Deno.test("sweepSeatFolders() removes the folders of gone owners and keeps a live one's", async () => {
  const parent = await Deno.makeTempDir({ prefix: "plugd-launch-test-" });
  try {
    const own = await makeSeatFolder(parent);
    assert.equal((await Deno.stat(own)).mode! & 0o777, 0o700);
    // A dead owner (no such pid), and a live pid whose start time does not match (a reused pid).
    for (const name of ["seats-999999999-1-0", `seats-${Deno.pid}-1-3`]) {
      await Deno.mkdir(`${parent}/${name}`);
      await Deno.writeTextFile(`${parent}/${name}/0.sh`, "");
    }
    await Deno.mkdir(`${parent}/other`);
    assert.equal(await sweepSeatFolders(parent), 2);
    const left = (await Array.fromAsync(Deno.readDir(parent))).map((e) => e.name).sort();
    assert.deepEqual(left, [own.slice(parent.length + 1), "other"].sort());
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("sweepSeatFolders() finds nothing in a folder that does not exist", async () => {
  assert.equal(await sweepSeatFolders("/nonexistent/plugd-launch"), 0);
});
