/**
 * The durable-intake floor: rows committed per second by libSQL alone, in this process, with the
 * daemon's durability settings (WAL, `synchronous = FULL`, or NORMAL when the bench runs with
 * `PLUGD_DB_SYNCHRONOUS=normal`, which the daemons it starts inherit), `batch` event-sized rows
 * per transaction. The daemon's group commit cannot beat this; HTTP and bookkeeping come on top.
 */
import { createClient } from "@libsql/client";
import { join } from "node:path";

/** The `synchronous` level the bench's daemons run with (their environment is this one's). */
export const BENCH_SYNCHRONOUS = Deno.env.get("PLUGD_DB_SYNCHRONOUS")?.toLowerCase() === "normal"
  ? "NORMAL"
  : "FULL";

/** Inserts `total` rows in write batches of `batch`; returns rows/s of each of `rounds` rounds. */
export async function libsqlBatchedInserts(
  total: number,
  batch: number,
  rounds: number,
): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-libsql-" });
  const client = createClient({ url: `file:${join(dir, "floor.db")}` });
  try {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(`PRAGMA synchronous = ${BENCH_SYNCHRONOUS}`);
    await client.execute(
      "CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT, " +
        "source TEXT, data TEXT, received_at INTEGER)",
    );
    const rates: number[] = [];
    let seq = 0;
    for (let r = 0; r < rounds + 1; r++) {
      const t = performance.now();
      for (let done = 0; done < total; done += batch) {
        const stmts = Array.from({ length: Math.min(batch, total - done) }, () => {
          const i = seq++;
          return {
            sql: "INSERT INTO events (id, type, source, data, received_at) VALUES (?, ?, ?, ?, ?)",
            args: [crypto.randomUUID(), "bench.nosub", "/bench", `{"i":${i}}`, Date.now()],
          };
        });
        await client.batch(stmts, "write");
      }
      if (r > 0) rates.push(total / ((performance.now() - t) / 1000));
    }
    return rates;
  } finally {
    client.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The durable-write floor of one request: `n` sequential commits of one event-sized row each, WAL
 * + `synchronous = FULL` (what an API that persists before it answers pays per request at least:
 * one fsync; NORMAL as above). Returns ms per commit.
 */
export async function libsqlCommitLatencies(n: number, warm = 50): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-libsql-" });
  const client = createClient({ url: `file:${join(dir, "floor.db")}` });
  try {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute(`PRAGMA synchronous = ${BENCH_SYNCHRONOUS}`);
    await client.execute(
      "CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT)",
    );
    const out: number[] = [];
    for (let i = 0; i < n + warm; i++) {
      const t = performance.now();
      await client.batch([{
        sql: "INSERT INTO events (id, data) VALUES (?, ?)",
        args: [crypto.randomUUID(), `{"i":${i}}`],
      }], "write");
      if (i >= warm) out.push(performance.now() - t);
    }
    return out;
  } finally {
    client.close();
    await Deno.remove(dir, { recursive: true });
  }
}
