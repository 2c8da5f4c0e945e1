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
   * Syncs the log's data (and its size) to the disk. The file is opened on first use and again
   * should the path name another file (SQLite deletes the log when its last connection closes), so
   * the sync is always of the log the last commit was written to. No log file at the path fails the sync
   * (the commit is then not known to be durable).
   *
   * The sync of the open file is handed to the pool first and the path checked while it runs:
   * the check (a `stat`, 10-20 µs in the daemon) is then off the path of every commit's sync
   * and of the delivery the caller starts next. Should the path name another file by then, that
   * file is synced too before this resolves.
   */
  async sync(): Promise<void> {
    try {
      const held = this.#file;
      const ino = this.#ino;
      if (held === null) return await this.#reopen().syncData();
      const synced = held.syncData();
      // One turn first: the caller's own work after starting the sync (handing the commit to
      // delivery) runs before this check.
      await null;
      let same: boolean;
      try {
        same = Deno.statSync(this.path).ino === ino;
      } catch (error) {
        await synced.catch(() => {}); // no log at the path: its sync vouches for nothing
        throw error;
      }
      if (same) return await synced;
      await synced.catch(() => {}); // a log no longer at the path: its sync vouches for nothing
      await this.#reopen().syncData();
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

  /** The file at the log's path, opened (again). */
  #reopen(): Deno.FsFile {
    this.close();
    // Read-only (no file at the path fails here: nothing is created) is enough: fdatasync
    // flushes the file, whatever the descriptor's mode.
    this.#file = Deno.openSync(this.path, { read: true });
    this.#ino = this.#file.statSync().ino;
    return this.#file;
  }
}
