import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { WriterThread } from "./_writer_thread.ts";

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function withDatabase(test: (url: string, path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-writer-thread-" });
  const path = `${dir}/t.db`;
  const setup = createClient({ url: `file:${path}` });
  await setup.execute("PRAGMA journal_mode = WAL");
  await setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  setup.close();
  try {
    await test(`file:${path}`, path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rows(path: string): Promise<number[]> {
  const reader = createClient({ url: `file:${path}` });
  try {
    return (await reader.execute("SELECT id FROM t ORDER BY rowid")).rows.map((r) => Number(r.id));
  } finally {
    reader.close();
  }
}

const insert = (id: number) => [{ sql: "INSERT INTO t (id, v) VALUES (?, ?)", args: [id, "v"] }];

Deno.test("WriterThread with lazy starts no thread until the first batch, ends it after idleMs, and starts a new one for the next batch", async () => {
  await withDatabase(async (url, path) => {
    const thread = await WriterThread.start({ url, pragmas: ["PRAGMA synchronous = FULL"] }, {
      lazy: true,
      idleMs: 50,
    });
    try {
      assert.equal(thread.running, false, "lazy: no thread before any work");
      assert.equal(thread.starts, 0);
      await thread.batch(insert(1));
      assert.equal(thread.starts, 1);
      await until(() => !thread.running, "the idle thread to end");
      await thread.checkpoint(); // a checkpoint starts one too
      await thread.batch(insert(2));
      assert.ok(thread.starts >= 2, `a new thread after the idle end (starts: ${thread.starts})`);
      await assert.rejects(thread.batch(insert(2)), /UNIQUE/, "errors come back as before");
      assert.deepEqual(await rows(path), [1, 2]);
    } finally {
      await thread.close();
    }
    assert.equal(thread.running, false);
  });
});

Deno.test("WriterThread ending when idle loses and reorders nothing: batches asked for while it ends wait for a new thread", async () => {
  await withDatabase(async (url, path) => {
    // An idle time of 1 ms ends the thread between almost every pair of batches.
    const thread = await WriterThread.start({ url, pragmas: [] }, { lazy: true, idleMs: 1 });
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    try {
      for (const id of ids.slice(0, 30)) {
        await thread.batch(insert(id));
        // Give the idle timer its turn now and then, so ends and new starts interleave.
        if (id % 3 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      // Several at once, as the store never does (it sends one at a time): still in order.
      await Promise.all(ids.slice(30).map((id) => thread.batch(insert(id))));
    } finally {
      await thread.close();
    }
    assert.ok(thread.starts > 1, `the thread ended and started again (starts: ${thread.starts})`);
    assert.deepEqual(await rows(path), ids);
  });
});

Deno.test("WriterThread.close() right after a batch (its idle end may be under way) resolves, and twice too; idleMs must be > 0", async () => {
  await withDatabase(async (url) => {
    const thread = await WriterThread.start({ url, pragmas: [] }, { lazy: true, idleMs: 1 });
    await thread.batch(insert(1));
    await thread.close();
    await thread.close(); // twice is fine
    assert.equal(thread.running, false);
    await assert.rejects(
      WriterThread.start({ url, pragmas: [] }, { idleMs: 0 }),
      RangeError,
    );
  });
});
