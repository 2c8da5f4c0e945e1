import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { finishModuleCache } from "./finish_module_cache.ts";

/** A cache database as Deno leaves one: no index analysis, its rows still in the log. */
function leftByDeno(dir: string): void {
  const writing = `${dir}/writing`;
  Deno.mkdirSync(writing);
  const db = new DatabaseSync(`${writing}/v8_code_cache_v2`);
  db.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0");
  db.exec("CREATE TABLE codecache (specifier TEXT PRIMARY KEY, data BLOB)");
  const insert = db.prepare("INSERT INTO codecache VALUES (?, ?)");
  for (let i = 0; i < 50; i++) insert.run(`file:///m${i}.js`, new Uint8Array(4096).fill(i));
  // Copied while open: the process that wrote it exited without a checkpoint.
  for (const suffix of ["", "-wal", "-shm"]) {
    Deno.copyFileSync(`${writing}/v8_code_cache_v2${suffix}`, `${dir}/v8_code_cache_v2${suffix}`);
  }
  db.close();
  Deno.removeSync(writing, { recursive: true });
}

Deno.test("finishModuleCache() analyses each database, folds its log and keeps -wal and -shm", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    leftByDeno(dir);
    assert.ok(Deno.statSync(`${dir}/v8_code_cache_v2-wal`).size > 50 * 4096);
    await finishModuleCache(dir);
    assert.equal(Deno.statSync(`${dir}/v8_code_cache_v2-wal`).size, 0);
    assert.ok(Deno.statSync(`${dir}/v8_code_cache_v2-shm`).isFile);
    const db = new DatabaseSync(`${dir}/v8_code_cache_v2`, { readOnly: true });
    try {
      assert.equal(db.prepare("SELECT count(*) AS n FROM codecache").get()?.n, 50);
      const stat = db.prepare("SELECT count(*) AS n FROM sqlite_stat1").get();
      assert.ok(Number(stat?.n) > 0);
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("finishModuleCache() leaves files that are not databases as they are", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/node_analysis_cache_v2`, "not even SQLite");
    Deno.mkdirSync(`${dir}/gen`);
    await finishModuleCache(dir);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["gen", "node_analysis_cache_v2"]);
    assert.equal(Deno.readTextFileSync(`${dir}/node_analysis_cache_v2`), "not even SQLite");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
