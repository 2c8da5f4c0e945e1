import assert from "node:assert/strict";
import { openStore } from "./open_store.ts";

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

Deno.test("WriteQueue: a write lingering after each sharing commit (a ?wait=true's delivery outcome) reuses one linger timer, and the last one still commits alone in time", async () => {
  const { WriteQueue } = await import("./_write_queue.ts");
  const commits: string[][] = [];
  const queue = new WriteQueue((statements, written) => {
    commits.push(statements.map((s) => (typeof s === "string" ? s : s.sql)));
    written();
    return Promise.resolve();
  });
  const realSetTimeout = globalThis.setTimeout;
  let timersSet = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timersSet++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    let lingering: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < 50; i++) {
      // The event's commit takes the previous outcome along; then this event's outcome lingers.
      await queue.push(() => ({ statements: [`event ${i}`] }), true);
      await lingering;
      lingering = queue.push(() => ({ statements: [`outcome ${i}`] }), true, 60_000);
    }
    assert.equal(timersSet, 1, "one timer for 50 lingering writes, not one each");
    await queue.push(() => ({ statements: ["event 50"] }), true);
    await lingering;
    assert.deepEqual(commits.slice(0, 2), [["event 0"], ["outcome 0", "event 1"]]);
    assert.deepEqual(commits.at(-1), ["outcome 49", "event 50"], "each rode along with the next");
    // The timer left from those (due in a minute) does not hold up one asked to wait 10 ms.
    const alone = queue.push(() => ({ statements: ["alone"] }), true, 10);
    await alone;
    assert.deepEqual(commits.at(-1), ["alone"], "committed on its own by its timer");
    // A timer due earlier than the write (the 10 ms one is spent; arm a 20 ms one, take it along,
    // then linger 60 s): when it fires, the write is not due and the timer is armed again for it.
    const early = queue.push(() => ({ statements: ["early"] }), true, 20);
    await queue.push(() => ({ statements: ["taker"] }), true);
    await early;
    const late = queue.push(() => ({ statements: ["late"] }), true, 60_000);
    let lateDone = false;
    void late.then(() => lateDone = true);
    const before = timersSet;
    while (timersSet === before) await new Promise((r) => realSetTimeout(r, 5));
    assert.equal(lateDone, false, "the earlier timer did not commit a write due in a minute");
    queue.flushLingering();
    await late;
    assert.deepEqual(commits.at(-1), ["late"]);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    queue.flushLingering();
    await queue.idle();
  }
});
