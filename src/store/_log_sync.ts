/**
 * The sync of a database file's write-ahead log, off the event loop: `fdatasync` of the `-wal`
 * file runs on Deno's blocking thread pool (`FsFile.syncData()`), so a commit written on the
 * daemon's thread without a sync (`synchronous = NORMAL`) becomes as durable as a
 * `synchronous = FULL` commit before anyone is told it was accepted: FULL syncs the log at every
 * commit (with `fsync` in the libSQL build plugd uses, strace), without the hand-off of its
 * statements to the writer thread and back. `fdatasync` writes the file's data and what reading
 * it back needs (its size, when a commit grew the log) and skips the rest of its metadata (its
 * times): the same durability for the log's frames, 5-20 % less time on this disk
 * (docs/performance.md, "Event intake (issue 23, sixth round)").
 */

/** An error of the log's sync, with a code the store classifies (`SQLITE_FULL`, `SQLITE_IOERR`). */
export class LogSyncError extends Error {
  readonly code: string;
  /** The commit was made (it is visible) but is not known to be durable: never retry it. */
  readonly committed = true;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LogSyncError";
    this.code = code;
  }
}

/** The open `-wal` file of one database, synced on demand. */
export class LogSync {
  readonly path: string;
  #file: Deno.FsFile | null = null;
  #ino: number | null = null;

  /** `databasePath`: the database file (its log is `<path>-wal`). */
  constructor(databasePath: string) {
    this.path = `${databasePath}-wal`;
  }

  /**
   * Syncs the log's data (and its size) to the disk. The file is opened on first use and again should the path
   * name another file (SQLite deletes the log when its last connection closes), so the sync is
   * always of the log the last commit was written to. No log file at the path fails the sync
   * (the commit is then not known to be durable).
   */
  async sync(): Promise<void> {
    try {
      await this.#current().syncData();
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      const code = /no space left/i.test(message) ? "SQLITE_FULL" : "SQLITE_IOERR_FSYNC";
      throw new LogSyncError(`syncing the database's log failed: ${message}`, code, {
        cause: error,
      });
    }
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file?.close();
    } catch { /* already closed */ }
    this.#file = null;
    this.#ino = null;
  }

  #current(): Deno.FsFile {
    const ino = Deno.statSync(this.path).ino;
    if (this.#file === null || ino !== this.#ino) {
      this.close();
      // Read-only is enough: fdatasync flushes the file, whatever the descriptor's mode.
      this.#file = Deno.openSync(this.path, { read: true });
      this.#ino = this.#file.statSync().ino;
    }
    return this.#file;
  }
}
