import type { Client, InStatement, ResultSet } from "@libsql/client";
import { createClient as createFileClient } from "@libsql/client/sqlite3";
import { redact, StoreFullError, StoreUnavailableError } from "./errors.ts";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/mod.ts";
import type { Migration, WriteBatch, WriteOptions } from "./types.ts";
import { WriterThread } from "./_writer_thread.ts";
import { InThreadWriter } from "./_in_thread_writer.ts";
import { localPath } from "./native_writer.ts";
import { WriteQueue } from "./_write_queue.ts";
import {
  CHECKPOINT_AFTER_COMMITS,
  FULL_CHECKPOINT_MS,
  WRITER_THREAD_IDLE_MS,
} from "./_writer_timing.ts";

export type { WriteBatch, WriteOptions };

/** Options of {@linkcode openStore}. */
export interface StoreOptions {
  /** Auth token for a remote libSQL server. */
  authToken?: string;
  /** How long a writer waits for a lock, in ms. @default 5000 */
  busyTimeoutMs?: number;
  /** The schema to migrate to (another program's, e.g. the registry server's). @default MIGRATIONS */
  migrations?: readonly Migration[];
  /**
   * Commits never block the event loop on a sync: a database file's commits run on this thread
   * without one, then (with `synchronous: "full"`) wait for the log's sync on Deno's blocking
   * thread pool; a writer thread (a Worker) runs the log's checkpoints (`_in_thread_writer.ts`).
   * A remote database commits on the writer thread. The daemon turns it on; tools and tests
   * write through the client. @default false
   */
  writerThread?: boolean;
  /** Called after each commit with its duration (ms) and statement count. */
  onCommit?: (ms: number, statements: number) => void;
  /**
   * SQLite's `synchronous` for a database file: `full` syncs the log at every commit (survives a
   * power loss); `normal` only at checkpoints (survives a crash or `kill -9` of this process, not
   * a power loss). @default "full"
   */
  synchronous?: "full" | "normal";
}

/**
 * What commits a store's writes: the writer thread, or `_in_thread_writer.ts`. `written` may be
 * called once the statements are visible, before the batch resolves (its sync still to come).
 */
export interface Writer {
  batch(statements: InStatement[], written?: () => void): Promise<number>;
  close(): Promise<void>;
}

/** Something wrong with the database, for `GET /v1/health`. */
export interface StoreProblem {
  detail: string;
  since: string;
}

/** How long `close()` waits for queued writes. */
const CLOSE_WAIT_MS = 5000;

/**
 * With `synchronous: "full"`, commits with more arguments than this go to the writer thread
 * (about 20 events without subscribers, 6 with one; a `?wait=true` commit has ~40): measured in
 * docs/performance.md, "Event intake (issue 23, fifth round)".
 */
export const OFFLOAD_ABOVE_ARGUMENTS = 100;

/**
 * With `synchronous: "full"`, commits whose text and blob arguments hold more than this many bytes
 * go to the writer thread too (a large event, or one JSON argument carrying many rows): writing
 * them to the log would hold the event loop. A `?wait=true` commit of a small event holds ~1 KiB.
 */
export const OFFLOAD_ABOVE_BYTES = 16 * 1024;

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

/**
 * Opens the database at `url` (`file:…` or a remote libSQL URL), sets WAL, busy timeout and
 * foreign keys for file databases, applies pending migrations, and (with `writerThread`) starts
 * the writer thread.
 *
 * @example
 * ```ts
 * await using store = await openStore("file:/tmp/plugd.db");
 * ```
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const { authToken, busyTimeoutMs = 5000, migrations = MIGRATIONS, synchronous = "full" } =
    options;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative integer; got ${busyTimeoutMs}`);
  }
  if (synchronous !== "full" && synchronous !== "normal") {
    throw new RangeError(`synchronous must be "full" or "normal"; got "${synchronous}"`);
  }
  const syncPragma = `PRAGMA synchronous = ${synchronous.toUpperCase()}`;
  const isFile = url.startsWith("file:");
  const path = isFile ? url.slice("file:".length).split("?")[0]! : "";
  // SQLite creates the file (and its -wal/-shm, which copy its mode) with the umask: create it
  // 0600 first so no other user can read state.
  if (isFile) await ensurePrivateFile(path);
  // A database file needs only the client's SQLite driver; its HTTP and WebSocket protocols
  // (@libsql/hrana-client and what it imports) load only for a remote database.
  const client = isFile
    ? createFileClient({ url })
    : (await import("@libsql/client")).createClient({ url, authToken });
  const pragmas = isFile
    ? [`PRAGMA busy_timeout = ${busyTimeoutMs}`, "PRAGMA foreign_keys = ON"]
    : ["PRAGMA foreign_keys = ON"];
  try {
    if (isFile) {
      // Wait for locks from the first statement on: after a crash the log's recovery (or another
      // process reading the file) holds one for a moment, which failed a start at once.
      await client.execute(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      await client.execute("PRAGMA journal_mode = WAL");
      await client.execute(syncPragma);
    }
    const store = new Store(client, url, pragmas, options.onCommit);
    await store.reapplyPragmas();
    await migrate(client, migrations);
    await store.reapplyPragmas();
    // A ":memory:" database is private to its connection: it cannot have a writer thread.
    if (options.writerThread && path !== ":memory:") {
      const file = localPath(url);
      // A file's commits run here without a sync (NORMAL); with FULL each then waits for its
      // log's sync off the event loop. The thread keeps the checkpoints and the big commits
      // (_in_thread_writer.ts), so it runs only while there are some: it starts at the first and
      // ends after WRITER_THREAD_IDLE_MS without any. A remote database commits there always.
      const thread = await WriterThread.start({
        url,
        authToken,
        pragmas: [...pragmas, ...(isFile ? [syncPragma] : [])],
      }, file !== null ? { lazy: true, idleMs: WRITER_THREAD_IDLE_MS } : {});
      store.useWriter(
        file !== null
          ? new InThreadWriter(file, [...pragmas, "PRAGMA synchronous = NORMAL"], thread, {
            syncLog: synchronous === "full",
            checkpointMs: synchronous === "full" ? FULL_CHECKPOINT_MS : 1000,
            busyCommits: CHECKPOINT_AFTER_COMMITS,
            // With FULL, big commits (a busy intake's) run beside the event loop instead.
            offload: synchronous === "full"
              ? {
                above: OFFLOAD_ABOVE_ARGUMENTS,
                aboveBytes: OFFLOAD_ABOVE_BYTES,
                batch: (s) => thread.batch(s),
              }
              : undefined,
          })
          : thread,
      );
    }
    return store;
  } catch (error) {
    client.close();
    throw new Error(`Cannot open database ${redact(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function ensurePrivateFile(path: string): Promise<void> {
  if (path === ":memory:" || path === "") return;
  const file = await Deno.open(path, { create: true, write: true, mode: 0o600 });
  file.close();
  await Deno.chmod(path, 0o600);
}
