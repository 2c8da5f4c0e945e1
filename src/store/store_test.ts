import assert from "node:assert/strict";
import { openStore } from "./open_store.ts";

Deno.test("openStore({writerThread}) commits through its writer (a file: in-thread, its log synced); reads see each commit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-store-" });
  const commits: number[] = [];
  const store = await openStore(`file:${dir}/plugd.db`, {
    writerThread: true,
    onCommit: (ms) => commits.push(ms),
  });
  for (let i = 0; i < 20; i++) {
    await store.write(() => ({
      statements: [{
        sql: "INSERT INTO store_probe (id, at) VALUES (1, ?)" +
          " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
        args: [i],
      }],
    }));
    const rs = await store.execute("SELECT at FROM store_probe WHERE id = 1");
    assert.equal(Number(rs.rows[0]?.at), i, "the write is visible to the next read");
  }
  assert.equal(commits.length, 20);
  await assert.rejects(
    () => store.write(() => ({ statements: [{ sql: "INSERT INTO nope VALUES (1)" }] })),
    /no such table/,
  );
  assert.equal(store.problem, null, "an SQL error is not a storage problem");
  await store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openStore() syncs every commit (synchronous = FULL) unless told normal", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-store-" });
  const level = async (options: { synchronous?: "full" | "normal" }, name: string) => {
    await using store = await openStore(`file:${dir}/${name}.db`, options);
    return Number((await store.execute("PRAGMA synchronous")).rows[0]?.[0]);
  };
  assert.equal(await level({}, "default"), 2, "FULL");
  assert.equal(await level({ synchronous: "normal" }, "normal"), 1, "NORMAL");
  await assert.rejects(() => level({ synchronous: "off" as "full" }, "off"), RangeError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Store.readRows() answers the same arrays on the writer's connection and on the client", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-store-" });
  const rows = async (writerThread: boolean) => {
    await using store = await openStore(`file:${dir}/${writerThread}.db`, { writerThread });
    await store.write(() => ({
      statements: ["CREATE TABLE r (id INTEGER PRIMARY KEY, at INTEGER)"],
    }));
    const sql = "SELECT id, at FROM r WHERE at >= ? ORDER BY id";
    const seen = [await store.readRows(sql, [0])];
    for (const id of [1, 2]) {
      await store.write(() => ({
        statements: [{ sql: "INSERT INTO r (id, at) VALUES (?, ?)", args: [id, id * 10] }],
      }));
      seen.push(await store.readRows(sql, [0]));
    }
    seen.push(await store.readRows(sql, [15]));
    return seen;
  };
  const expected = [[], [[1, 10]], [[1, 10], [2, 20]], [[2, 20]]];
  assert.deepEqual(await rows(true), expected);
  assert.deepEqual(await rows(false), expected);
  await Deno.remove(dir, { recursive: true });
});
