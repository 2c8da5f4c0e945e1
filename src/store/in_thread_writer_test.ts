import assert from "node:assert/strict";
import { InThreadWriter } from "./_in_thread_writer.ts";
import { openStore } from "./store.ts";

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("InThreadWriter commits at once, without automatic checkpoints, and asks for one after commits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const path = `${dir}/w.db`;
  await (await openStore(`file:${path}`)).close(); // schema, WAL mode
  const checkpoints: number[] = []; // when each was asked for
  let closed = false;
  const writer = new InThreadWriter(path, ["PRAGMA synchronous = NORMAL"], {
    checkpoint: () => (checkpoints.push(performance.now()), Promise.resolve()),
    close: () => (closed = true, Promise.resolve()),
  }, { checkpointMs: 20 });
  await writer.batch([{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)" }]);
  for (let i = 0; i < 5; i++) {
    const ms = await writer.batch([{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [i, "v"] }]);
    assert.ok(ms >= 0);
  }
  const lastCommit = performance.now();
  await until(() => checkpoints.some((t) => t >= lastCommit), "a checkpoint after the last commit");
  // That checkpoint covered every commit: no other is asked for without a new commit.
  const asked = checkpoints.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(checkpoints.length, asked, "no checkpoint without new commits");
  await assert.rejects(writer.batch([{ sql: "INSERT INTO nope VALUES (1)" }]), /no such table/);
  await writer.close();
  assert.ok(closed);
  await using store = await openStore(`file:${path}`);
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 5, "every committed row is in the file, the failed one not");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openStore({writerThread, synchronous: normal}) commits in-thread: each commit is visible at once and kept across a reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const store = await openStore(`file:${dir}/plugd.db`, {
    writerThread: true,
    synchronous: "normal",
  });
  const big = "x".repeat(4000);
  await store.write(() => ({
    statements: [{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)" }],
  }));
  for (let i = 0; i < 300; i++) {
    await store.write(() => ({
      statements: [{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [i, big] }],
    }));
  }
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 300, "each commit is visible to reads");
  // The log is checkpointed by the writer thread: its frames reach the database file.
  const walFrames = async () =>
    Number((await store.execute("PRAGMA wal_checkpoint(PASSIVE)")).rows[0]?.[1] ?? -1);
  assert.ok(await walFrames() >= 0);
  await store.close();
  await using again = await openStore(`file:${dir}/plugd.db`);
  const after = await again.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(after.rows[0]!.n), 300);
  await Deno.remove(dir, { recursive: true });
});
