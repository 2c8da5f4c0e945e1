import assert from "node:assert/strict";
import { waitFor } from "../../tests/helpers/wait_for.ts";
import { checkPreparedCode, preparedCodeRecord, removeAddedEntries } from "./prepared_code.ts";

const LAYOUT = "sandbox bootstrap-5";
const HOST = "host bootstrap-5";
const MAIN = "cache/gen/file/plugin/main.ts.js";
const CODE_CACHE = "cache/v8_code_cache_v2";

async function folder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-prepared-code-" });
  await Deno.mkdir(`${dir}/cache/gen/file/plugin`, { recursive: true });
  await Deno.mkdir(`${dir}/cache/npm`);
  await Deno.writeTextFile(`${dir}/runtime.js`, "export const shim = 1;\n");
  await Deno.writeTextFile(`${dir}/bootstrap.ts`, 'import "file:///plugd/prepared/runtime.js";\n');
  await Deno.writeTextFile(`${dir}/import_map.json`, "{}\n");
  await Deno.writeTextFile(`${dir}/${MAIN}`, "export default 1;\n");
  await Deno.writeFile(`${dir}/${CODE_CACHE}`, new Uint8Array(8));
  await Deno.writeFile(`${dir}/${CODE_CACHE}-wal`, new Uint8Array());
  return dir;
}

/** Runs `body` on a fresh prepared folder, removed after. */
async function withFolder(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await folder();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("checkPreparedCode() passes a folder as it was prepared", () =>
  withFolder((dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    const lines = marker.trim().split("\n");
    assert.deepEqual(lines.slice(0, 2), [LAYOUT, "files-2"]);
    const named = lines.slice(2).map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
    assert.deepEqual(
      named.sort(),
      [
        "bootstrap.ts",
        "cache",
        "cache/gen",
        "cache/gen/file",
        "cache/gen/file/plugin",
        MAIN,
        "cache/npm",
        CODE_CACHE,
        `${CODE_CACHE}-wal`,
        "import_map.json",
        "runtime.js",
      ].sort(),
      "every file and folder, the cache databases too",
    );
    assert.equal(checkPreparedCode(dir, marker, LAYOUT).status, "current");
  }));

Deno.test("checkPreparedCode() names each changed or missing file and folder", () =>
  withFolder(async (dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    await Deno.writeTextFile(`${dir}/runtime.js`, "steal();\nexport const shim = 1;\n");
    await Deno.remove(`${dir}/${MAIN}`);
    await Deno.remove(`${dir}/cache/npm`);
    assert.deepEqual(checkPreparedCode(dir, marker, LAYOUT), {
      status: "changed",
      files: [MAIN, "cache/npm", "runtime.js"],
      added: [],
    });
  }));

Deno.test("checkPreparedCode() finds a changed V8 code cache database", () =>
  withFolder(async (dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    await Deno.writeFile(`${dir}/${CODE_CACHE}`, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(checkPreparedCode(dir, marker, LAYOUT), {
      status: "changed",
      files: [CODE_CACHE],
      added: [],
    });
  }));

Deno.test("checkPreparedCode() finds entries added after the prepare; they can be removed", () =>
  withFolder(async (dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    await Deno.writeTextFile(`${dir}/cache/gen/file/plugin/extra.ts.js`, "steal();\n");
    await Deno.mkdir(`${dir}/cache/remote/x`, { recursive: true });
    await Deno.writeTextFile(`${dir}/cache/remote/x/mod.js`, "steal();\n");
    await Deno.symlink("/etc/passwd", `${dir}/cache/npm/link`);
    const added = ["cache/gen/file/plugin/extra.ts.js", "cache/npm/link", "cache/remote"];
    assert.deepEqual(checkPreparedCode(dir, marker, LAYOUT), {
      status: "changed",
      files: added,
      added,
    });
    removeAddedEntries(dir, added);
    assert.equal(checkPreparedCode(dir, marker, LAYOUT).status, "current");
  }));

Deno.test("checkPreparedCode() in flags-only mode checks the files that run, not the cache", () =>
  withFolder(async (dir) => {
    // There Deno may write its own cache while the plugin runs.
    const marker = preparedCodeRecord(dir, HOST);
    assert.equal(marker.trim().split("\n").length, 6, "layout, format, four files that run");
    await Deno.writeFile(`${dir}/${CODE_CACHE}`, new Uint8Array([1]));
    await Deno.writeTextFile(`${dir}/cache/gen/file/plugin/extra.ts.js`, "export {};\n");
    assert.equal(checkPreparedCode(dir, marker, HOST).status, "current");
    await Deno.writeTextFile(`${dir}/bootstrap.ts`, "steal();\n");
    assert.deepEqual(checkPreparedCode(dir, marker, HOST), {
      status: "changed",
      files: ["bootstrap.ts"],
      added: [],
    });
  }));

Deno.test("checkPreparedCode() finds folders of another layout or an older plugd stale", () =>
  withFolder((dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    assert.deepEqual(checkPreparedCode(dir, marker, "host bootstrap-5"), { status: "stale" });
    assert.deepEqual(checkPreparedCode(dir, `${LAYOUT}\nfiles-2\n`, LAYOUT), { status: "stale" });
    assert.deepEqual(checkPreparedCode(dir, "", LAYOUT), { status: "stale" });
    const outside = marker.replace('"runtime.js"', '"../runtime.js"');
    assert.deepEqual(checkPreparedCode(dir, outside, LAYOUT), { status: "stale" });
    // The ninth round's marker: digests of the files that run, no format line, no cache databases.
    const older = marker.split("\n").filter((l) => l !== "files-2").join("\n");
    assert.deepEqual(checkPreparedCode(dir, older, LAYOUT), { status: "stale" });
  }));

Deno.test("checkPreparedCode() seals a settled folder, and a change under the seal is caught", () =>
  withFolder(async (dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    assert.equal(marker.includes("\nseal "), false, "no seal for files just written");
    // Offered once the folder's newest change is old enough for a later one to show.
    const passed = await waitFor(() => {
      const c = checkPreparedCode(dir, marker, LAYOUT);
      return c.status === "current" ? c.sealed : undefined;
    }, "a sealed marker");
    assert.match(passed, /\nseal [0-9a-f]{64}\n$/);
    assert.deepEqual(checkPreparedCode(dir, passed, LAYOUT), { status: "current" }, "no reseal");

    // Forged bytecode of the same size, its mtime set back: the ctime still moves.
    const { mtime, atime } = await Deno.stat(`${dir}/${CODE_CACHE}`);
    await Deno.writeFile(`${dir}/${CODE_CACHE}`, new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]));
    await Deno.utime(`${dir}/${CODE_CACHE}`, atime!, mtime!);
    assert.deepEqual(checkPreparedCode(dir, passed, LAYOUT), {
      status: "changed",
      files: [CODE_CACHE],
      added: [],
    });
  }));

Deno.test("checkPreparedCode() finds a file added under a sealed marker", () =>
  withFolder(async (dir) => {
    const marker = preparedCodeRecord(dir, LAYOUT);
    const sealed = await waitFor(() => {
      const c = checkPreparedCode(dir, marker, LAYOUT);
      return c.status === "current" ? c.sealed : undefined;
    }, "a sealed marker");
    await Deno.writeTextFile(`${dir}/cache/npm/registry.json`, "{}\n");
    const forged = sealed.replace(/seal [0-9a-f]+/, `seal ${"0".repeat(64)}`);
    for (const m of [sealed, forged]) {
      assert.deepEqual(checkPreparedCode(dir, m, LAYOUT), {
        status: "changed",
        files: ["cache/npm/registry.json"],
        added: ["cache/npm/registry.json"],
      });
    }
  }));
