import assert from "node:assert/strict";
import { BinFolders, unitBinRoot } from "./bin_folders.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import type { Mount } from "./bwrap_args.ts";

/** A temp folder with host files `a.so`, `b.so` and `deno`, and the root of the bin folders. */
async function fixture(): Promise<
  { host: string; root: string; files: Mount[] } & AsyncDisposable
> {
  const host = await Deno.makeTempDir({ prefix: "plugd-bin-folders-" });
  for (const f of ["a.so", "b.so", "deno"]) await Deno.writeTextFile(`${host}/${f}`, f);
  return {
    host,
    root: `${host}/state/sandbox-bin`,
    files: [
      { src: `${host}/a.so`, dest: "/lib/x86_64-linux-gnu/a.so" },
      { src: `${host}/b.so`, dest: "/lib/x86_64-linux-gnu/b.so" },
      { src: `${host}/deno`, dest: "/plugd/bin/deno" },
    ],
    [Symbol.asyncDispose]: () => Deno.remove(host, { recursive: true }),
  };
}

const ino = (p: string) => Deno.statSync(p).ino;

Deno.test("BinFolders.mounts() binds one folder per destination folder, of hard links to the host's files", async () => {
  await using fx = await fixture();
  const bins = await BinFolders.open(fx.root);
  const mounts = bins.mounts(fx.files, ["/plugin", "/data", "/tmp"]);
  assert.deepEqual(mounts.map((m) => m.dest), ["/lib/x86_64-linux-gnu", "/plugd/bin"]);
  const [lib, bin] = mounts.map((m) => m.src);
  assert.deepEqual([...Deno.readDirSync(lib!)].map((e) => e.name).sort(), ["a.so", "b.so"]);
  assert.equal(ino(`${lib}/a.so`), ino(`${fx.host}/a.so`));
  assert.equal(ino(`${bin}/deno`), ino(`${fx.host}/deno`));
  assert.equal(Deno.statSync(lib!).mode! & 0o777, 0o755);
  // The next start binds the same folders.
  assert.deepEqual(bins.mounts(fx.files, ["/plugin"]), mounts);
});

Deno.test("BinFolders.mounts() binds a new folder once the host replaced a file; the old one stays as it was", async () => {
  await using fx = await fixture();
  const bins = await BinFolders.open(fx.root);
  const before = bins.mounts(fx.files, [])[0]!.src;
  const old = ino(`${fx.host}/a.so`);
  // An upgrade: a new file renamed over the old one.
  await Deno.writeTextFile(`${fx.host}/a.so.new`, "a, version 2");
  await Deno.rename(`${fx.host}/a.so.new`, `${fx.host}/a.so`);
  const after = bins.mounts(fx.files, [])[0]!.src;
  assert.notEqual(after, before);
  assert.equal(await Deno.readTextFile(`${after}/a.so`), "a, version 2");
  assert.equal(ino(`${before}/a.so`), old);
});

Deno.test("BinFolders.mounts() keeps file binds for a folder another mount lies in, on or above", async () => {
  await using fx = await fixture();
  const bins = await BinFolders.open(fx.root);
  for (const other of ["/lib/x86_64-linux-gnu/extra.so", "/lib/x86_64-linux-gnu", "/lib"]) {
    const mounts = bins.mounts(fx.files, [other]);
    assert.deepEqual(mounts.map((m) => m.dest), [
      "/lib/x86_64-linux-gnu/a.so",
      "/lib/x86_64-linux-gnu/b.so",
      "/plugd/bin",
    ]);
    assert.equal(mounts[0]!.src, `${fx.host}/a.so`);
  }
});

Deno.test("BinFolders.mounts() keeps file binds for files it cannot hard-link (another file system)", async () => {
  const shm = await Deno.makeTempDir({ dir: "/dev/shm" }).catch(() => null);
  if (!shm) return; // no second file system to link across
  await using fx = await fixture();
  try {
    await Deno.writeTextFile(`${shm}/b.so`, "b");
    if (Deno.statSync(shm).dev === Deno.statSync(fx.host).dev) return; // one file system here
    const files = [fx.files[0]!, { ...fx.files[1]!, src: `${shm}/b.so` }, fx.files[2]!];
    const bins = await BinFolders.open(fx.root);
    const mounts = bins.mounts(files, []);
    assert.deepEqual(mounts.slice(0, 2), files.slice(0, 2));
    assert.equal(mounts[2]!.dest, "/plugd/bin");
    // Only the folders in use are left: no half-made one.
    assert.deepEqual([...Deno.readDirSync(fx.root)].map((e) => e.name), [
      mounts[2]!.src.split("/").at(-1),
    ]);
  } finally {
    await Deno.remove(shm, { recursive: true });
  }
});

Deno.test("BinFolders.open() removes the folders of a previous run; a preview only reads them", async () => {
  await using fx = await fixture();
  const first = (await BinFolders.open(fx.root)).mounts(fx.files, []);
  const preview = await BinFolders.open(fx.root, { create: false });
  assert.deepEqual(preview.mounts(fx.files, []), first);
  await BinFolders.open(fx.root);
  assert.deepEqual([...Deno.readDirSync(fx.root)], []);
  // Nothing made: the preview shows the file binds.
  assert.deepEqual(preview.mounts(fx.files, []), fx.files);
  assert.deepEqual([...Deno.readDirSync(fx.root)], []);
});

Deno.test("BinFolders made by root for the unit's daemon: kept as they are, used while they hold the files, never made", async () => {
  await using fx = await fixture();
  const made = (await BinFolders.open(fx.root)).mounts(fx.files, []);
  const daemon = await BinFolders.open(fx.root, { madeByRoot: true });
  assert.deepEqual(daemon.mounts(fx.files, []), made, "the root step's folders, not removed");
  // The host replaces deno: that folder is not made here, its file is bound until the next start.
  await Deno.remove(`${fx.host}/deno`);
  await Deno.writeTextFile(`${fx.host}/deno`, "deno 2");
  const after = daemon.mounts(fx.files, []);
  assert.deepEqual(after, [made[0], fx.files[2]]);
  assert.equal([...Deno.readDirSync(fx.root)].length, 2);
});

Deno.test("BinFolders.forSandbox() with the unit's capabilities: only a folder of root's that no one else may write", async () => {
  await using fx = await fixture();
  const stateDir = `${fx.host}/state`;
  await Deno.mkdir(stateDir);
  const caps = { mode: "bwrap", root: false, uidSwitch: "caps" } as SandboxInfo;
  assert.equal(await BinFolders.forSandbox(caps, stateDir), undefined, "no root step: file binds");
  const made = await BinFolders.open(unitBinRoot(stateDir));
  assert.equal(made.root, `${fx.host}/state-sandbox-bin`);
  made.mounts(fx.files, []);
  await Deno.chmod(made.root, 0o775);
  assert.equal(await BinFolders.forSandbox(caps, stateDir), undefined, "group-writable: refused");
  await Deno.chmod(made.root, 0o755);
  const used = await BinFolders.forSandbox(caps, stateDir);
  assert.equal(used?.root, made.root);
  assert.equal(used.mounts(fx.files, []).length, 2, "its folders are used");
  assert.equal([...Deno.readDirSync(made.root)].length, 2, "and not removed");
});
