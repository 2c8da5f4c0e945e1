import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { localPath, MAX_PREPARED, NativeWriter } from "./native_writer.ts";

async function withWriter(
  test: (writer: NativeWriter, read: (sql: string) => Promise<unknown[]>) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-native-writer-" });
  const path = `${dir}/t.db`;
  const writer = new NativeWriter(path, ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"]);
  const reader = createClient({ url: `file:${path}` });
  try {
    writer.batch([
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, flag INTEGER, at INTEGER)",
    ]);
    await test(writer, async (sql) => (await reader.execute(sql)).rows.map((r) => ({ ...r })));
  } finally {
    reader.close();
    writer.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("NativeWriter.batch() commits every statement or none, keeping the driver's code", async () => {
  await withWriter(async (writer, read) => {
    writer.batch([{ sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [1, "a"] }]);
    assert.throws(
      () =>
        writer.batch([
          { sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [2, "b"] },
          { sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [1, "duplicate"] },
        ]),
      (error: Error & { code?: string }) => /^SQLITE_CONSTRAINT/.test(error.code ?? ""),
    );
    assert.deepEqual(await read("SELECT id, name FROM t ORDER BY id"), [{ id: 1, name: "a" }]);
    writer.batch([{ sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [2, "b"] }]);
    assert.deepEqual(await read("SELECT id FROM t ORDER BY id"), [{ id: 1 }, { id: 2 }]);
  });
});

Deno.test("NativeWriter.batch() converts arguments as @libsql/client does", async () => {
  await withWriter(async (writer, read) => {
    const at = new Date("2026-11-30T20:00:00Z");
    writer.batch([
      { sql: "INSERT INTO t (id, name, flag, at) VALUES (?, ?, ?, ?)", args: [1, "x", true, at] },
      {
        sql: "INSERT INTO t (id, name, flag) VALUES (:id, :name, :flag)",
        args: { ":id": 2, name: "y", $flag: false },
      },
      { sql: "UPDATE t SET name = 'z' WHERE id = 2 RETURNING id", args: [] },
    ]);
    assert.deepEqual(await read("SELECT id, name, flag, at FROM t ORDER BY id"), [
      { id: 1, name: "x", flag: 1, at: at.valueOf() },
      { id: 2, name: "z", flag: 0, at: null },
    ]);
    assert.throws(
      () =>
        writer.batch([{
          sql: "INSERT INTO t (id, name) VALUES (?, ?)",
          args: [3, undefined as unknown as string],
        }]),
      TypeError,
    );
  });
});

Deno.test("NativeWriter keeps each statement prepared once, at most MAX_PREPARED of them", async () => {
  await withWriter((writer) => {
    const before = writer.preparedCount; // BEGIN, COMMIT, the CREATE
    for (let i = 10; i < 20; i++) {
      writer.batch([{ sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [i, "n"] }]);
    }
    assert.equal(writer.preparedCount, before + 1);
    writer.batch(
      Array.from({ length: MAX_PREPARED + 10 }, (_, i) => `INSERT INTO t (name) VALUES ('n${i}')`),
    );
    assert.equal(writer.preparedCount, MAX_PREPARED);
  });
});

Deno.test("NativeWriter.read() answers rows as arrays, sees each commit and ends its read", async () => {
  await withWriter(async (writer, read) => {
    const sql = "SELECT id, name, flag FROM t WHERE id > ? ORDER BY id LIMIT ?";
    assert.deepEqual(writer.read(sql, [0, 10]), []);
    writer.batch([
      { sql: "INSERT INTO t (id, name, flag) VALUES (?, ?, ?)", args: [1, "a", true] },
      { sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [2, "b"] },
      { sql: "INSERT INTO t (id, name) VALUES (?, ?)", args: [3, "c"] },
    ]);
    assert.deepEqual(writer.read(sql, [0, 2]), [[1, "a", 1], [2, "b", null]]);
    const before = writer.preparedCount;
    assert.deepEqual(writer.read(sql, [1, 10]), [[2, "b", null], [3, "c", null]]);
    assert.equal(writer.preparedCount, before, "reads are kept apart from the batch's statements");
    // No read transaction left open: another connection's checkpoint copies the whole log.
    assert.deepEqual(await read("PRAGMA wal_checkpoint(TRUNCATE)"), [
      { busy: 0, log: 0, checkpointed: 0 },
    ]);
    writer.batch([{ sql: "DELETE FROM t WHERE id = ?", args: [1] }]);
    assert.deepEqual(writer.read(sql, [0, 1]), [[2, "b", null]]);
  });
});

Deno.test("localPath(): only plain file URLs go to the native driver", () => {
  assert.equal(localPath("file:/var/lib/plugd/plugd.db"), "/var/lib/plugd/plugd.db");
  assert.equal(localPath("file:///var/lib/plugd/my%20db.db"), "/var/lib/plugd/my db.db");
  assert.equal(localPath("file:plugd.db"), "plugd.db");
  assert.equal(localPath("file::memory:"), null);
  assert.equal(localPath("file:/x.db?mode=ro"), null);
  assert.equal(localPath("libsql://db.example.com"), null);
  assert.equal(localPath("http://127.0.0.1:8080"), null);
});
