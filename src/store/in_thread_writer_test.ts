import assert from "node:assert/strict";
import type { InStatement } from "@libsql/client";
import { argumentSize, InThreadWriter } from "./_in_thread_writer.ts";
import { openStore } from "./open_store.ts";

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

Deno.test("InThreadWriter with syncLog answers a commit only after its log synced; a log that is not there fails the commit with a code the store classifies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const path = `${dir}/w.db`;
  await (await openStore(`file:${path}`)).close(); // schema, WAL mode
  const writer = new InThreadWriter(path, ["PRAGMA synchronous = NORMAL"], {
    checkpoint: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }, { syncLog: true });
  await writer.batch([{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)" }]);
  for (let i = 0; i < 20; i++) {
    await writer.batch([{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [i, "v"] }]);
  }
  assert.ok((await Deno.stat(`${path}-wal`)).size > 0, "the commits went to the log");
  // The log's path no longer names the file written to: the sync cannot vouch for the commit.
  await Deno.rename(`${path}-wal`, `${path}-wal.moved`);
  await assert.rejects(
    writer.batch([{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [99, "v"] }]),
    (error: Error & { code?: string }) => {
      assert.equal(error.name, "LogSyncError");
      assert.match(String(error.code), /^SQLITE_IOERR/);
      return true;
    },
  );
  await Deno.rename(`${path}-wal.moved`, `${path}-wal`);
  await writer.batch([{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [100, "v"] }]);
  await writer.close();
  await using store = await openStore(`file:${path}`);
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 22);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openStore({writerThread}) with the default synchronous full commits in-thread and syncs the log: commits are visible at once and kept across a reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const commits: number[] = [];
  const store = await openStore(`file:${dir}/plugd.db`, {
    writerThread: true,
    onCommit: (ms) => commits.push(ms),
  });
  await store.write(() => ({
    statements: [{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)" }],
  }));
  const writes = Array.from({ length: 200 }, (_, i) =>
    store.write(() => ({
      statements: [{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [i, "v"] }],
    }), { shareCommit: true }));
  await Promise.all(writes);
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 200, "each commit is visible to reads");
  assert.ok(commits.length >= 2 && commits.every((ms) => ms >= 0));
  await store.close();
  await using again = await openStore(`file:${dir}/plugd.db`);
  const after = await again.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(after.rows[0]!.n), 200);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("InThreadWriter with offload sends a commit with more arguments than its bound to the writer thread, and commits smaller ones itself", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const path = `${dir}/w.db`;
  await (await openStore(`file:${path}`)).close();
  const offloaded: InStatement[][] = [];
  const writer = new InThreadWriter(path, ["PRAGMA synchronous = NORMAL"], {
    checkpoint: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }, {
    offload: { above: 4, aboveBytes: 100, batch: (s) => (offloaded.push(s), Promise.resolve(1)) },
  });
  await writer.batch([{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)" }]);
  const insert = (id: number) => ({ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [id, "v"] });
  await writer.batch([insert(1), insert(2)]); // 4 arguments: here
  assert.equal(offloaded.length, 0);
  assert.equal(await writer.batch([insert(3), insert(4), insert(5)]), 1, "6 arguments: offloaded");
  assert.deepEqual(offloaded, [[insert(3), insert(4), insert(5)]]);
  const big = { sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [9, "x".repeat(101)] };
  assert.equal(await writer.batch([big]), 1, "2 arguments but 101 bytes: offloaded");
  assert.deepEqual(offloaded.at(-1), [big]);
  assert.deepEqual(
    argumentSize([insert(1), "SELECT 1", {
      sql: "x",
      args: { a: 1, b: "abc", c: new Uint8Array(5) },
    }]),
    { count: 5, bytes: 1 + 3 + 5 },
  );
  await writer.close();
  await using store = await openStore(`file:${path}`);
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 2, "the offloaded commit was the offload's to make");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openStore({writerThread}) full: writes sharing a commit whose log sync failed all fail, the store turns degraded, and nothing is committed twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const path = `${dir}/plugd.db`;
  const store = await openStore(`file:${path}`, { writerThread: true });
  await store.write(() => ({ statements: [{ sql: "CREATE TABLE t (v TEXT)" }] }));
  await Deno.rename(`${path}-wal`, `${path}-wal.moved`); // the log's path names no file: no sync
  const writes = ["a", "b"].map((v) =>
    store.write(() => ({ statements: [{ sql: "INSERT INTO t (v) VALUES (?)", args: [v] }] }), {
      shareCommit: true,
    })
  );
  for (const outcome of await Promise.allSettled(writes)) {
    assert.equal(outcome.status, "rejected");
    const error = (outcome as PromiseRejectedResult).reason as Error & { committed?: boolean };
    assert.equal(error.name, "StoreUnavailableError");
    assert.equal(error.committed, true);
  }
  assert.ok(store.problem, "the store says it is degraded");
  await Deno.rename(`${path}-wal.moved`, `${path}-wal`);
  const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
  assert.equal(Number(rs.rows[0]!.n), 2, "committed once, not retried write by write");
  await store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("InThreadWriter with a long checkpointMs asks for a checkpoint within a second once busyCommits commits wait", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-inthread-" });
  const path = `${dir}/w.db`;
  await (await openStore(`file:${path}`)).close(); // schema, WAL mode
  let checkpoints = 0;
  const writer = new InThreadWriter(path, ["PRAGMA synchronous = NORMAL"], {
    checkpoint: () => (checkpoints++, Promise.resolve()),
    close: () => Promise.resolve(),
  }, { checkpointMs: 120_000, busyCommits: 5 });
  await writer.batch([{ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)" }]);
  for (let i = 0; i < 3; i++) {
    await writer.batch([{ sql: "INSERT INTO t (id) VALUES (?)", args: [i] }]);
  }
  assert.equal(checkpoints, 0, "4 commits wait: the checkpoint is 120 s away");
  await writer.batch([{ sql: "INSERT INTO t (id) VALUES (?)", args: [3] }]);
  // The fifth commit: due within BUSY_CHECKPOINT_MS, far sooner than 120 s (waited up to 60 s).
  await until(() => checkpoints === 1, "the busy checkpoint", 60_000);
  await writer.close(); // nothing committed since: no last checkpoint
  assert.equal(checkpoints, 1);
  await Deno.remove(dir, { recursive: true });
});
