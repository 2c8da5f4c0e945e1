/** Hostile archives: each refused by extractPackage before anything is written. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { extractPackage, PackageError } from "../../src/signing/mod.ts";
import { openBench, type RawEntry, repack, writeRawTgz } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);
const YAML_ENTRY: RawEntry = { path: "package/plugin.yaml", data: text("id: x\n") };

async function assertRefused(
  root: string,
  tgz: string,
  code: string,
  message?: RegExp,
): Promise<void> {
  const dest = join(root, "dest");
  const error = await extractPackage(tgz, dest).then(() => null, (e) => e);
  assert.ok(error instanceof PackageError, `expected PackageError ${code}, got ${error}`);
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  // Nothing was written: the destination was never created.
  await assert.rejects(() => Deno.lstat(dest), Deno.errors.NotFound);
}

Deno.test("zip-slip: an entry path with .. is refused (unsafe_entry) and nothing escapes", async () => {
  await using bench = await openBench();
  const tgz = await writeRawTgz(join(bench.root, "slip.tgz"), [
    YAML_ENTRY,
    { path: "package/../../evil.txt", data: text("pwned") },
  ]);
  await assertRefused(bench.root, tgz, "unsafe_entry", /path traversal/);
  await assert.rejects(() => Deno.lstat(join(bench.root, "../evil.txt")), Deno.errors.NotFound);
});

Deno.test("a symlink to /etc/passwd is refused (unsafe_entry)", async () => {
  await using bench = await openBench();
  const staging = join(bench.root, "staging");
  await Deno.mkdir(join(staging, "package"), { recursive: true });
  await Deno.writeTextFile(join(staging, "package/plugin.yaml"), "id: x\n");
  await Deno.symlink("/etc/passwd", join(staging, "package/passwd"));
  const tgz = await repack(staging, join(bench.root, "link.tgz"));
  await assertRefused(bench.root, tgz, "unsafe_entry", /symlink to "\/etc\/passwd"/);
});

Deno.test("hard links, fifos, absolute paths, outside paths, duplicates and case collisions are refused", async () => {
  await using bench = await openBench();
  const cases: [string, RawEntry[], RegExp][] = [
    [
      "hardlink",
      [YAML_ENTRY, { path: "package/h", type: "Link", linkpath: "/etc/shadow" }],
      /hard link/,
    ],
    ["fifo", [YAML_ENTRY, { path: "package/pipe", type: "FIFO" }], /FIFO/],
    ["absolute", [YAML_ENTRY, { path: "/tmp/plugd-abs", data: text("x") }], /absolute/],
    ["outside", [YAML_ENTRY, { path: "other/x.ts", data: text("x") }], /outside/],
    ["duplicate", [YAML_ENTRY, { path: "package/plugin.yaml", data: text("y") }], /twice/],
    ["case", [YAML_ENTRY, { path: "package/Plugin.yaml", data: text("y") }], /case/],
    ["case-dir", [
      YAML_ENTRY,
      { path: "package/Lib/a.ts", data: text("a") },
      { path: "package/lib/b.ts", data: text("b") },
    ], /case/],
    ["file-dir", [
      YAML_ENTRY,
      { path: "package/lib", data: text("a") },
      { path: "package/lib/b.ts", data: text("b") },
    ], /both as a file and as a folder/],
  ];
  for (const [name, entries, message] of cases) {
    const tgz = await writeRawTgz(join(bench.root, `${name}.tgz`), entries);
    await assertRefused(bench.root, tgz, "unsafe_entry", message);
  }
});

Deno.test("100,000 tiny files are refused by count (too_many_files) without extracting them", async () => {
  await using bench = await openBench();
  function* many(): Generator<RawEntry> {
    yield YAML_ENTRY;
    for (let i = 0; i < 100_000; i++) yield { path: `package/f/${i}.ts`, data: text("1") };
  }
  const tgz = await writeRawTgz(join(bench.root, "many.tgz"), many());
  await assertRefused(bench.root, tgz, "too_many_files", /more than 2000 entries/);
});

Deno.test("a decompression bomb (1 GiB of zeros) is refused by size (too_large)", async () => {
  await using bench = await openBench();
  function* bomb(): Generator<RawEntry> {
    yield YAML_ENTRY;
    for (let i = 0; i < 64; i++) yield { path: `package/z${i}.bin`, data: { zeros: 16 << 20 } };
  }
  const tgz = await writeRawTgz(join(bench.root, "bomb.tgz"), bomb());
  assert.ok((await Deno.stat(tgz)).size < 4 << 20, "the bomb compresses to a few MiB");
  await assertRefused(bench.root, tgz, "too_large", /50 MiB/);
});

Deno.test("one entry declaring 1 GiB is refused from its header (too_large)", async () => {
  await using bench = await openBench();
  const tgz = await writeRawTgz(join(bench.root, "big.tgz"), [
    YAML_ENTRY,
    { path: "package/big.bin", data: { zeros: 1 << 30 } },
  ]);
  await assertRefused(bench.root, tgz, "too_large");
});

Deno.test("a file that is not gzip is refused (bad_package)", async () => {
  await using bench = await openBench();
  const tgz = join(bench.root, "junk.tgz");
  await Deno.writeTextFile(tgz, "this is not an archive");
  await assertRefused(bench.root, tgz, "bad_package");
});

Deno.test("the ratio limit refuses an archive that expands too much", async () => {
  await using bench = await openBench();
  const tgz = await writeRawTgz(join(bench.root, "ratio.tgz"), [
    YAML_ENTRY,
    { path: "package/z.bin", data: { zeros: 8 << 20 } },
  ]);
  const dest = join(bench.root, "dest");
  const error = await extractPackage(tgz, dest, { maxRatio: 100 }).then(() => null, (e) => e);
  assert.ok(error instanceof PackageError);
  assert.equal(error.code, "too_large");
  assert.match(error.message, /expands more than 100 times/);
});
