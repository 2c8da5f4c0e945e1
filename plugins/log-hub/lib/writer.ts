/**
 * The one writer of log lines: every source hands it records, it group-commits them (lines,
 * full-text entries through the trigger, per-minute counts) in `ctx.db.batch` calls of at most
 * ~512 KiB, and tells waiters (live tail, forwarding) that new lines exist.
 */
import type { PluginDatabase, SqlStatement, SqlValue } from "@plugd/sdk";
import type { LogRecord } from "./types.ts";

const BATCH_BYTES = 512 * 1024;
// plugd's database guard takes at most 999 arguments per statement: 7 per line, 4 per count.
const ROWS_PER_INSERT = 142;
const COUNTS_PER_UPSERT = 249;

interface Job {
  records: LogRecord[];
  extras: SqlStatement[];
  bytes: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const sizeOf = (r: LogRecord): number =>
  r.msg.length + (r.path?.length ?? 0) + (r.fields ? JSON.stringify(r.fields).length : 0) + 64;

/** `5xx`, `4xx`, ... or `-`. */
export function statusClass(status: number | null): string {
  return status === null ? "-" : `${Math.floor(status / 100)}xx`;
}

/** The statements that store `records`: multi-row INSERTs and the per-minute count upserts. */
export function insertStatements(records: LogRecord[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    const chunk = records.slice(i, i + ROWS_PER_INSERT);
    const args: SqlValue[] = [];
    for (const r of chunk) {
      args.push(
        r.ts,
        r.level,
        r.status,
        r.path,
        r.source,
        r.msg,
        r.fields ? JSON.stringify(r.fields) : null,
      );
    }
    out.push({
      sql: "INSERT INTO logs (ts, level, status, path, source, msg, fields) VALUES " +
        chunk.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", "),
      args,
    });
  }
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = `${Math.floor(r.ts / 60_000)}|${r.level ?? "-"}|${statusClass(r.status)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const entries = [...counts];
  for (let i = 0; i < entries.length; i += COUNTS_PER_UPSERT) {
    const chunk = entries.slice(i, i + COUNTS_PER_UPSERT);
    out.push({
      sql: "INSERT INTO minute_counts (minute, level, status_class, n) VALUES " +
        chunk.map(() => "(?, ?, ?, ?)").join(", ") +
        " ON CONFLICT (minute, level, status_class) DO UPDATE SET n = n + excluded.n",
      args: chunk.flatMap(([k, n]) => {
        const [minute, level, cls] = k.split("|");
        return [Number(minute), level!, cls!, n];
      }),
    });
  }
  return out;
}

/** Group-commits records; `add` resolves once its records are durable. */
export class LogWriter {
  #db: PluginDatabase;
  #queue: Job[] = [];
  #running = false;
  #listeners = new Set<() => void>();
  /** Lines stored by this process (for health and the bench). */
  stored = 0;

  constructor(db: PluginDatabase) {
    this.#db = db;
  }

  /** Stores `records` (and `extras`, e.g. a tail offset, in the same commit). */
  add(records: LogRecord[], extras: SqlStatement[] = []): Promise<void> {
    if (records.length === 0 && extras.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const bytes = records.reduce((n, r) => n + sizeOf(r), 0);
      this.#queue.push({ records, extras, bytes, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        queueMicrotask(() => this.#drain());
      }
    });
  }

  /** Calls `fn` after each commit; returns an unsubscribe. */
  onCommit(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const jobs: Job[] = [];
      let bytes = 0;
      while (
        this.#queue.length > 0 &&
        (jobs.length === 0 || bytes + this.#queue[0]!.bytes <= BATCH_BYTES)
      ) {
        const job = this.#queue.shift()!;
        jobs.push(job);
        bytes += job.bytes;
      }
      try {
        if (jobs.length === 1 && bytes > BATCH_BYTES) await this.#writeLarge(jobs[0]!);
        else {
          const records = jobs.flatMap((j) => j.records);
          await this.#db.batch([...insertStatements(records), ...jobs.flatMap((j) => j.extras)]);
          this.stored += records.length;
        }
        for (const j of jobs) j.resolve();
      } catch (e) {
        for (const j of jobs) j.reject(e);
      }
      for (const fn of this.#listeners) fn();
    }
    this.#running = false; // same turn as the emptiness check: no lost wake-up
  }

  /** One job over the budget: written in several commits, its extras with the last. */
  async #writeLarge(job: Job): Promise<void> {
    let chunk: LogRecord[] = [];
    let bytes = 0;
    const parts: LogRecord[][] = [];
    for (const r of job.records) {
      if (chunk.length > 0 && bytes + sizeOf(r) > BATCH_BYTES) {
        parts.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(r);
      bytes += sizeOf(r);
    }
    parts.push(chunk);
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      await this.#db.batch([...insertStatements(part), ...(last ? job.extras : [])]);
      this.stored += part.length;
    }
  }
}
