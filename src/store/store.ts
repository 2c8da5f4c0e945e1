/** The store: serialized writes over one connection, commits by a `Writer`, degraded mode. */
import type { Client, InStatement, InValue, ResultSet } from "@libsql/client";
import { StoreFullError, StoreUnavailableError } from "./errors.ts";
import type { WriteBatch, WriteOptions } from "./types.ts";
import { WriteQueue } from "./_write_queue.ts";

export type { WriteBatch, WriteOptions };

/**
 * What commits a store's writes: the writer thread, or `_in_thread_writer.ts`. `written` may be
 * called once the statements are visible, before the batch resolves (its sync still to come).
 */
export interface Writer {
  batch(statements: InStatement[], written?: () => void): Promise<number>;
  close(): Promise<void>;
  /** A read on the writer's own connection with its statement kept prepared, when it has one. */
  read?(sql: string, args: InValue[]): unknown[][];
}

/** Something wrong with the database, for `GET /v1/health`. */
export interface StoreProblem {
  detail: string;
  since: string;
}

/** How long `close()` waits for queued writes. */
const CLOSE_WAIT_MS = 5000;

/** How often a degraded store tries a write to see whether it recovered. */
const PROBE_MS = 2000;

/**
 * The daemon's libSQL database. The daemon is its only writer: writes are serialized here so
 * that read-then-write sequences (the audit hash chain) cannot interleave. Reads run on this
 * thread's connection; with `writerThread`, commits run on a Worker (docs/architecture.md).
 */
export class Store {
  readonly client: Client;
  readonly url: string;
  #writes = new WriteQueue((statements, written) => this.#commit(statements, written));
  #pragmas: string[];
  #writer: Writer | null = null;
  #onCommit: (ms: number, statements: number) => void;
  #problem: StoreProblem | null = null;
  #probe: ReturnType<typeof setInterval> | null = null;

  constructor(
    client: Client,
    url: string,
    pragmas: string[],
    onCommit: (ms: number, statements: number) => void = () => {},
  ) {
    this.client = client;
    this.url = url;
    this.#pragmas = pragmas;
    this.#onCommit = onCommit;
  }

  /** Commits on `writer` from now on (see {@linkcode StoreOptions.writerThread}). */
  useWriter(writer: Writer): void {
    this.#writer = writer;
  }

  /** Runs one read statement. */
  execute(statement: InStatement): Promise<ResultSet> {
    return this.client.execute(statement);
  }

  /**
   * Runs one read statement that the daemon runs over and over (a few fixed SQL texts) and answers
   * its rows as arrays of column values. On a database file with the in-thread writer it runs on
   * that connection with the statement prepared once: the client prepares each statement anew and
   * builds an object per row. Elsewhere it is {@linkcode execute}.
   */
  async readRows(sql: string, args: InValue[]): Promise<unknown[][]> {
    const writer = this.#writer;
    if (writer?.read) return writer.read(sql, args);
    const rs = await this.client.execute({ sql, args });
    return rs.rows.map((row) => rs.columns.map((_, i) => row[i]));
  }

  /** Why writes fail now (disk full, I/O error), or null while they succeed. */
  get problem(): StoreProblem | null {
    return this.#problem;
  }

  /**
   * Runs `build` under the write lock; the statements it returns are applied as one atomic
   * batch. `build` may read first (e.g. the last audit hash): no other write runs meanwhile.
   * `afterCommit` runs once the batch committed, still under the lock (e.g. swapping the master
   * key after a rotation, before any other write can seal under the old one). With
   * `shareCommit`, batches waiting together share one commit (see {@linkcode WriteOptions}). A
   * full disk throws {@linkcode StoreFullError}, other storage failures
   * {@linkcode StoreUnavailableError}.
   */
  write<T = void>(
    build: () => Promise<WriteBatch<T>> | WriteBatch<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    return this.#writes.push(build, options.shareCommit === true, options.lingerMs ?? 0);
  }

  async #commit(statements: InStatement[], written: () => void): Promise<void> {
    const started = performance.now();
    try {
      const ms = this.#writer
        ? await this.#writer.batch(statements, written)
        : (await this.client.batch(statements, "write"), performance.now() - started);
      this.#onCommit(ms, statements.length);
      if (this.#problem) this.#recovered();
    } catch (error) {
      throw this.#classify(error);
    }
  }

  #classify(error: unknown): unknown {
    const code = String((error as { code?: unknown })?.code ?? "");
    const message = String((error as Error)?.message ?? error);
    let mapped: Error | null = null;
    if (code.startsWith("SQLITE_FULL") || /database or disk is full/i.test(message)) {
      mapped = new StoreFullError(this.url, { cause: error });
    } else if (/^SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(code)) {
      mapped = new StoreUnavailableError(this.url, message, { cause: error });
    } else if (/writer thread stopped/.test(message)) {
      mapped = new StoreUnavailableError(this.url, message, { cause: error });
    }
    if (mapped) this.#degraded(mapped.message);
    // Made but not known durable (the log's sync failed): the write queue must not retry it.
    if (mapped && (error as { committed?: unknown })?.committed === true) {
      Object.assign(mapped, { committed: true });
    }
    return mapped ?? error;
  }

  #degraded(detail: string): void {
    this.#problem = { detail, since: this.#problem?.since ?? new Date().toISOString() };
    if (this.#probe !== null) return;
    // Nothing else may write for a while: find out by ourselves when writes work again.
    this.#probe = setInterval(() => {
      this.write(() => ({
        statements: [{
          sql: `INSERT INTO store_probe (id, at) VALUES (1, ?)
            ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
          args: [Date.now()],
        }],
      })).catch(() => {});
    }, PROBE_MS);
    Deno.unrefTimer(this.#probe);
  }

  #recovered(): void {
    this.#problem = null;
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#probe = null;
  }

  /** Re-applies per-connection pragmas (libSQL's transaction() opens a new connection). */
  async reapplyPragmas(): Promise<void> {
    for (const pragma of this.#pragmas) await this.client.execute(pragma);
  }

  /** Closes the connections (and ends the writer thread after its batch in progress). */
  async close(): Promise<void> {
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#probe = null;
    // Batches waiting to ride along with another commit go now (bounded: close never hangs).
    this.#writes.flushLingering();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, CLOSE_WAIT_MS));
    await Promise.race([this.#writes.idle(), late]).finally(() => clearTimeout(timer));
    const writer = this.#writer;
    this.#writer = null;
    this.client.close();
    await writer?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
