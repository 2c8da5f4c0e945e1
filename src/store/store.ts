import { type Client, createClient, type InStatement, type ResultSet } from "@libsql/client";
import { migrate } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/mod.ts";
import type { Migration } from "./types.ts";

/** Options of {@linkcode openStore}. */
export interface StoreOptions {
  /** Auth token for a remote libSQL server. */
  authToken?: string;
  /** How long a writer waits for a lock, in ms. @default 5000 */
  busyTimeoutMs?: number;
  /** The schema to migrate to (another program's, e.g. the registry server's). @default MIGRATIONS */
  migrations?: readonly Migration[];
}

/** What a `Store.write()` builder returns. */
export interface WriteBatch<T> {
  statements: InStatement[];
  value?: T;
  /** Runs after the batch committed, before the next write starts. */
  afterCommit?: () => void;
}

/**
 * The daemon's libSQL database. The daemon is its only writer: writes are serialized here so
 * that read-then-write sequences (the audit hash chain) cannot interleave.
 */
export class Store {
  readonly client: Client;
  readonly url: string;
  #writeQueue: Promise<unknown> = Promise.resolve();
  #pragmas: string[];

  constructor(client: Client, url: string, pragmas: string[]) {
    this.client = client;
    this.url = url;
    this.#pragmas = pragmas;
  }

  /** Runs one read statement. */
  execute(statement: InStatement): Promise<ResultSet> {
    return this.client.execute(statement);
  }

  /**
   * Runs `build` under the write lock; the statements it returns are applied as one atomic
   * batch. `build` may read first (e.g. the last audit hash): no other write runs meanwhile.
   * `afterCommit` runs once the batch committed, still under the lock (e.g. swapping the master
   * key after a rotation, before any other write can seal under the old one).
   */
  write<T = void>(
    build: () => Promise<WriteBatch<T>> | WriteBatch<T>,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      const { statements, value, afterCommit } = await build();
      if (statements.length > 0) await this.client.batch(statements, "write");
      afterCommit?.();
      return value as T;
    };
    const next = this.#writeQueue.then(run, run);
    this.#writeQueue = next.catch(() => {});
    return next;
  }

  /** Re-applies per-connection pragmas (libSQL's transaction() opens a new connection). */
  async reapplyPragmas(): Promise<void> {
    for (const pragma of this.#pragmas) await this.client.execute(pragma);
  }

  /** Closes the connection. */
  close(): void {
    this.client.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * Opens the database at `url` (`file:…` or a remote libSQL URL), sets WAL, busy timeout and
 * foreign keys for file databases, and applies pending migrations.
 *
 * @example
 * ```ts
 * await using store = await openStore("file:/tmp/plugd.db");
 * ```
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const { authToken, busyTimeoutMs = 5000, migrations = MIGRATIONS } = options;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative integer; got ${busyTimeoutMs}`);
  }
  const isFile = url.startsWith("file:");
  // SQLite creates the file (and its -wal/-shm, which copy its mode) with the umask: create it
  // 0600 first so no other user can read state.
  if (isFile) await ensurePrivateFile(url.slice("file:".length).split("?")[0]!);
  const client = createClient({ url, authToken });
  const pragmas = isFile
    ? [`PRAGMA busy_timeout = ${busyTimeoutMs}`, "PRAGMA foreign_keys = ON"]
    : ["PRAGMA foreign_keys = ON"];
  try {
    if (isFile) {
      await client.execute("PRAGMA journal_mode = WAL");
      await client.execute("PRAGMA synchronous = FULL");
    }
    const store = new Store(client, url, pragmas);
    await store.reapplyPragmas();
    await migrate(client, migrations);
    await store.reapplyPragmas();
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

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
