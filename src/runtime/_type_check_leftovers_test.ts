import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { dropTypeCheckLeftovers } from "./_type_check_leftovers.ts";

const SCHEMA = "CREATE TABLE codecache (specifier TEXT NOT NULL, type INTEGER NOT NULL, " +
  "source_hash INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (specifier, type))";

function codeCache(path: string, specifiers: string[]): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(SCHEMA);
    const insert = db.prepare("INSERT INTO codecache VALUES (?, 1, 7, ?)");
    for (const s of specifiers) insert.run(s, new Uint8Array(64 * 1024));
  } finally {
    db.close();
  }
}

function specifiersIn(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT specifier FROM codecache ORDER BY specifier").all()
      .map((r) => String(r.specifier));
  } finally {
    db.close();
  }
}

Deno.test("dropTypeCheckLeftovers() keeps the runtime module's code cache, drops the compiler's and the check's files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-leftovers-" });
  try {
    await Deno.mkdir(`${dir}/cache`);
    const db = `${dir}/cache/v8_code_cache_v2`;
    codeCache(db, [
      "file:///plugd/prepared/runtime.js",
      "ext:deno_cli_tsc/00_typescript.js",
      "ext:deno_cli_tsc/99_main_compiler.js",
    ]);
    const sizeBefore = Deno.statSync(db).size;
    for (const f of ["check_map.json", "cache/check_cache_v2", "cache/fast_check_cache_v2-wal"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "x");
    }
    await Deno.writeTextFile(`${dir}/import_map.json`, "{}");

    await dropTypeCheckLeftovers(dir);

    assert.deepEqual(specifiersIn(db), ["file:///plugd/prepared/runtime.js"]);
    assert.ok(Deno.statSync(db).size < sizeBefore, "the freed pages leave the file");
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["cache", "import_map.json"]);
    const cache = [...Deno.readDirSync(`${dir}/cache`)].map((e) => e.name);
    assert.deepEqual(cache.some((n) => n.includes("check_cache")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dropTypeCheckLeftovers() creates no code cache where there is none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-leftovers-" });
  try {
    await Deno.mkdir(`${dir}/cache`);
    await dropTypeCheckLeftovers(dir);
    assert.deepEqual([...Deno.readDirSync(`${dir}/cache`)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
