import assert from "node:assert/strict";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";
import { LogSync } from "./_log_sync.ts";

const isSyncError = (error: Error & { code?: string }) => {
  assert.equal(error.name, "LogSyncError");
  assert.match(String(error.code), /^SQLITE_IOERR/);
  return true;
};

Deno.test("LogSync checks the log's path at every sync, though it starts the sync of the file it holds before that check: a log gone from the path fails, one put in its place is synced", async () => {
  const dir = await moduleTempDir("plugd-log-sync-");
  const log = new LogSync(`${dir}/w.db`);
  await assert.rejects(log.sync(), isSyncError, "no log yet: nothing vouches for a commit");
  await Deno.writeTextFile(`${dir}/w.db-wal`, "frames");
  await log.sync(); // opens and holds the log
  await log.sync();
  // The held file is still open, but the path no longer names it.
  await Deno.rename(`${dir}/w.db-wal`, `${dir}/w.db-wal.old`);
  await assert.rejects(log.sync(), isSyncError, "the held file is not the log at the path");
  // Another file at the path (a new log): synced, and held from then on.
  await Deno.writeTextFile(`${dir}/w.db-wal`, "new frames");
  await log.sync();
  await log.sync();
  await Deno.remove(`${dir}/w.db-wal`);
  await assert.rejects(log.sync(), isSyncError);
  await Deno.rename(`${dir}/w.db-wal.old`, `${dir}/w.db-wal`);
  await log.sync();
  log.close();
});

Deno.test("LogSync.sync() leaves the caller's own work after it runs before the path's check (the commit's hand-off to delivery is not delayed by it)", async () => {
  const dir = await moduleTempDir("plugd-log-sync-");
  await Deno.writeTextFile(`${dir}/w.db-wal`, "frames");
  const log = new LogSync(`${dir}/w.db`);
  await log.sync();
  // The log is moved away right after sync() returns, in the same turn: the check, which runs
  // after the caller's turn, must see it gone (a check made before returning would not).
  const synced = log.sync();
  Deno.renameSync(`${dir}/w.db-wal`, `${dir}/w.db-wal.old`);
  await assert.rejects(synced, isSyncError);
  log.close();
});
