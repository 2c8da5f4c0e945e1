import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestDir, SYNC_READ_MAX_BYTES } from "./integrity.ts";

/** Files of every kind the digest covers: nested, binary, non-ASCII names, a symlink. */
async function sampleFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-digest-" });
  await Deno.mkdir(`${dir}/lib/deep`, { recursive: true });
  await Deno.writeTextFile(`${dir}/main.ts`, "export default 1;\n");
  await Deno.writeTextFile(`${dir}/plugin.yaml`, "id: x\n");
  await Deno.writeFile(`${dir}/lib/deep/data.bin`, new Uint8Array([0, 1, 255]));
  await Deno.writeTextFile(`${dir}/lib/été.txt`, "é");
  await Deno.symlink("../main.ts", `${dir}/lib/link.ts`);
  return dir;
}

Deno.test("digestDir: the digest stored at install is still the one computed at start", async () => {
  // Computed by the algorithm of every earlier plugd (Web Crypto, one lstat per file): installed
  // plugins' stored digests must keep matching, or each would fail as "integrity" after an upgrade.
  const dir = await sampleFolder();
  try {
    assert.equal(
      await digestDir(dir),
      "22a4f22a0f44d524d8aad317f53e7e498de2e194b9c69be30998623eb99dfa86",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("digestDir: a changed byte, a file turned into a symlink or a new file change it", async () => {
  const dir = await sampleFolder();
  try {
    const before = await digestDir(dir);
    await Deno.writeFile(`${dir}/lib/deep/data.bin`, new Uint8Array([0, 1, 254]));
    const byte = await digestDir(dir);
    assert.notEqual(byte, before);
    await Deno.remove(`${dir}/plugin.yaml`);
    await Deno.symlink("main.ts", `${dir}/plugin.yaml`);
    const link = await digestDir(dir);
    assert.notEqual(link, byte);
    await Deno.writeTextFile(`${dir}/lib/deep/extra.ts`, "");
    assert.notEqual(await digestDir(dir), link);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("digestDir: files above the synchronous read's limit hash as those below it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-digest-" });
  try {
    const big = new Uint8Array(SYNC_READ_MAX_BYTES + 1).fill(7);
    await Deno.writeFile(`${dir}/big.bin`, big);
    await Deno.writeFile(`${dir}/small.bin`, big.subarray(0, 10));
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    const expected = createHash("sha256")
      .update(`"big.bin" ${sha(big)}\n"small.bin" ${sha(big.subarray(0, 10))}\n`)
      .digest("hex");
    assert.equal(await digestDir(dir), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
