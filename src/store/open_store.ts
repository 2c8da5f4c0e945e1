/**
 * Opening the daemon's database: the connection's pragmas, the migrations, and (for the daemon)
 * the writer that commits off the event loop.
 * @module
 */
import { createClient as createFileClient } from "@libsql/client/sqlite3";
import { redact } from "./errors.ts";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/mod.ts";
import type { Migration } from "./types.ts";
import { Store } from "./store.ts";
import { WriterThread } from "./_writer_thread.ts";
import { InThreadWriter } from "./_in_thread_writer.ts";
import { localPath } from "./native_writer.ts";
import {
  CHECKPOINT_AFTER_COMMITS,
  FULL_CHECKPOINT_MS,
  WRITER_THREAD_IDLE_MS,
} from "./_writer_timing.ts";

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
