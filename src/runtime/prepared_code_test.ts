import assert from "node:assert/strict";
import { checkPreparedCode, preparedCodeRecord } from "./prepared_code.ts";

const LAYOUT = "sandbox bootstrap-5";

async function folder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-prepared-code-" });
  await Deno.mkdir(`${dir}/cache/gen/file/plugin`, { recursive: true });
  await Deno.writeTextFile(`${dir}/runtime.js`, "export const shim = 1;\n");
  await Deno.writeTextFile(`${dir}/bootstrap.ts`, 'import "file:///plugd/prepared/runtime.js";\n');
  await Deno.writeTextFile(`${dir}/import_map.json`, "{}\n");
  await Deno.writeTextFile(`${dir}/cache/gen/file/plugin/main.ts.js`, "export default 1;\n");
  await Deno.writeFile(`${dir}/cache/v8_code_cache_v2`, new Uint8Array(8));
  return dir;
}

Deno.test("checkPreparedCode() passes a folder as it was prepared", async () => {
  const dir = await folder();
  try {
    const marker = preparedCodeRecord(dir, LAYOUT);
    assert.equal(marker.split("\n")[0], LAYOUT);
    assert.equal(marker.trim().split("\n").length, 5, "the layout and four files that run");
    assert.deepEqual(checkPreparedCode(dir, marker, LAYOUT), { status: "current" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkPreparedCode() names each changed or missing file that runs", async () => {
  const dir = await folder();
  try {
    const marker = preparedCodeRecord(dir, LAYOUT);
    await Deno.writeTextFile(`${dir}/runtime.js`, "steal();\nexport const shim = 1;\n");
    await Deno.remove(`${dir}/cache/gen/file/plugin/main.ts.js`);
    assert.deepEqual(checkPreparedCode(dir, marker, LAYOUT), {
      status: "changed",
      files: ["cache/gen/file/plugin/main.ts.js", "runtime.js"],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkPreparedCode() finds folders of another layout or an older plugd stale", async () => {
  const dir = await folder();
  try {
    const marker = preparedCodeRecord(dir, LAYOUT);
    assert.deepEqual(checkPreparedCode(dir, marker, "host bootstrap-5"), { status: "stale" });
    assert.deepEqual(checkPreparedCode(dir, `${LAYOUT}\n`, LAYOUT), { status: "stale" });
    assert.deepEqual(checkPreparedCode(dir, "", LAYOUT), { status: "stale" });
    const outside = marker.replace('"runtime.js"', '"../runtime.js"');
    assert.deepEqual(checkPreparedCode(dir, outside, LAYOUT), { status: "stale" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
