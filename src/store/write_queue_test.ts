import assert from "node:assert/strict";
import { openStore } from "./store.ts";

async function withStore(
  test: (store: Awaited<ReturnType<typeof openStore>>, commits: number[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-store-" });
  const commits: number[] = [];
  const store = await openStore(`file:${dir}/plugd.db`, {
    writerThread: true,
    onCommit: (_ms, statements) => commits.push(statements),
  });
  try {
    await store.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
    await test(store, commits);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const insert = (k: string, v = 1) => ({ sql: "INSERT INTO t (k, v) VALUES (?, ?)", args: [k, v] });

Deno.test("Store.write({shareCommit}) commits writes waiting together as one transaction", async () => {
  await withStore(async (store, commits) => {
    const after: string[] = [];
    const writes = Array.from({ length: 10 }, (_, i) =>
      store.write(() => ({
        statements: [insert(`k${i}`)],
        value: i,
        afterCommit: () => after.push(`k${i}`),
      }), { shareCommit: true }));
    assert.deepEqual(await Promise.all(writes), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(commits.length < 10, `10 writes in ${commits.length} commits`);
    assert.deepEqual(after, Array.from({ length: 10 }, (_, i) => `k${i}`), "in order");
    const rs = await store.execute("SELECT COUNT(*) AS n FROM t");
    assert.equal(Number(rs.rows[0]?.n), 10);
  });
});

Deno.test("Store.write({shareCommit}): a failing write fails alone, the others commit", async () => {
  await withStore(async (store) => {
    await store.write(() => ({ statements: [insert("taken")] }));
    const ok1 = store.write(() => ({ statements: [insert("a")] }), { shareCommit: true });
    const bad = store.write(() => ({ statements: [insert("b"), insert("taken")] }), {
      shareCommit: true,
    });
    const ok2 = store.write(() => ({ statements: [insert("c")] }), { shareCommit: true });
    const thrown = store.write(() => {
      throw new Error("builder failed");
    }, { shareCommit: true });
    const [a, b, c, d] = await Promise.allSettled([ok1, bad, ok2, thrown]);
    assert.equal(a.status, "fulfilled");
    assert.match(String(b.status === "rejected" && b.reason), /UNIQUE/);
    assert.equal(c.status, "fulfilled");
    assert.match(String(d.status === "rejected" && d.reason), /builder failed/);
    const rs = await store.execute("SELECT k FROM t ORDER BY k");
    assert.deepEqual(rs.rows.map((r) => r.k), ["a", "c", "taken"], "the bad write left no row");
  });
});

Deno.test("Store.write(): a write without shareCommit never shares, and sees what came before", async () => {
  await withStore(async (store, commits) => {
    const first = store.write(() => ({ statements: [insert("x", 1)] }), { shareCommit: true });
    const reader = store.write(async () => {
      const rs = await store.execute("SELECT v FROM t WHERE k = 'x'");
      return { statements: [insert("y", Number(rs.rows[0]?.v) + 1)] };
    });
    const last = store.write(() => ({ statements: [insert("z", 3)] }), { shareCommit: true });
    await Promise.all([first, reader, last]);
    assert.equal(commits.length, 3, "the exclusive write splits the group");
    const rs = await store.execute("SELECT v FROM t WHERE k = 'y'");
    assert.equal(Number(rs.rows[0]?.v), 2, "the exclusive builder read the committed row");
  });
});

Deno.test("Store.write({lingerMs}) rides along with the next sharing commit, or commits alone in time", async () => {
  await withStore(async (store, commits) => {
    const lingering = store.write(() => ({ statements: [insert("late")] }), {
      shareCommit: true,
      lingerMs: 60_000,
    });
    await store.write(() => ({ statements: [insert("now")] }), { shareCommit: true });
    await lingering;
    assert.deepEqual(commits, [2], "both rows in one commit, long before the linger ran out");
    const alone = store.write(() => ({ statements: [insert("alone")] }), {
      shareCommit: true,
      lingerMs: 10,
    });
    await alone;
    assert.deepEqual(commits, [2, 1], "committed on its own when nothing came");
    const atClose = store.write(() => ({ statements: [insert("at-close")] }), {
      shareCommit: true,
      lingerMs: 60_000,
    });
    await store.close();
    await atClose;
    assert.deepEqual(commits, [2, 1, 1], "close() commits what lingers");
  });
});

Deno.test("WriteQueue: afterWrite runs when the statements are visible, before the write resolves; a commit whose sync failed is rejected whole, never retried write by write", async () => {
  const { WriteQueue } = await import("./_write_queue.ts");
  const committed: string[][] = [];
  let sync = Promise.withResolvers<void>();
  let failSync = false;
  const queue = new WriteQueue(async (statements, written) => {
    committed.push(statements.map((s) => (typeof s === "string" ? s : s.sql)));
    written();
    await sync.promise;
    if (failSync) {
      throw Object.assign(new Error("sync failed"), {
        committed: true,
        code: "SQLITE_IOERR_FSYNC",
      });
    }
  });
  const order: string[] = [];
  const write = queue.push(() => ({
    statements: ["A"],
    value: "a",
    afterWrite: () => order.push("written"),
    afterCommit: () => order.push("committed"),
  }), true);
  void write.then(() => order.push("resolved"));
  while (order.length === 0) await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(order, ["written"], "visible before the sync ended");
  sync.resolve();
  assert.equal(await write, "a");
  assert.deepEqual(order, ["written", "committed", "resolved"]);

  sync = Promise.withResolvers<void>();
  failSync = true;
  const writes = ["B", "C"].map((sql) =>
    queue.push(() => ({ statements: [sql], afterWrite: () => order.push(`written ${sql}`) }), true)
  );
  while (committed.length < 2) await new Promise((r) => setTimeout(r, 1));
  sync.resolve();
  for (const w of writes) await assert.rejects(w, /sync failed/);
  assert.deepEqual(committed, [["A"], ["B", "C"]], "committed once, not again one by one");
  assert.deepEqual(order.slice(3), ["written B", "written C"]);
});
