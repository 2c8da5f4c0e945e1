import assert from "node:assert/strict";
import { unitBinRoot } from "./bin_folders.ts";
import { makeUnitBinFolders } from "./unit_bin_folders.ts";

const root = Deno.uid() === 0;

Deno.test({
  name:
    "makeUnitBinFolders(): root's folders of hard links to Deno and its libraries, next to the state dir",
  ignore: !root,
  async fn() {
    const host = await Deno.makeTempDir({ prefix: "plugd-unit-bins-" });
    try {
      const deno = await Deno.realPath(Deno.execPath());
      const made = await makeUnitBinFolders(`${host}/state`, deno);
      assert.equal(made.root, unitBinRoot(`${host}/state`));
      const st = await Deno.stat(made.root);
      assert.deepEqual([st.uid, (st.mode ?? 0) & 0o7777], [0, 0o755]);
      const bin = made.mounts.find((m) => m.dest === "/plugd/bin")!;
      assert.ok(bin.src.startsWith(`${made.root}/plugd_bin-`), JSON.stringify(made.mounts));
      assert.equal((await Deno.stat(`${bin.src}/deno`)).ino, (await Deno.stat(deno)).ino);
      // No setpriv: with the unit's capabilities it runs before bubblewrap, not inside.
      assert.deepEqual([...Deno.readDirSync(bin.src)].map((e) => e.name), ["deno"]);
    } finally {
      await Deno.remove(host, { recursive: true });
    }
  },
});

Deno.test({
  name: "makeUnitBinFolders() refuses a state dir whose parent another user may write",
  ignore: !root,
  async fn() {
    const host = await Deno.makeTempDir({ prefix: "plugd-unit-bins-" });
    try {
      await Deno.chmod(host, 0o777);
      await assert.rejects(
        makeUnitBinFolders(`${host}/state`, Deno.execPath()),
        /must be root's and writable by root only/,
      );
      assert.deepEqual([...Deno.readDirSync(host)], []);
    } finally {
      await Deno.remove(host, { recursive: true });
    }
  },
});
