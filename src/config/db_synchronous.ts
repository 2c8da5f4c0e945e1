/**
 * `db_synchronous`: how durable a commit of the daemon's database file is. `full` (the default)
 * syncs the write-ahead log at every commit: an acknowledged event, task or delivery survives a
 * power loss. `normal` syncs it only at checkpoints: an acknowledged write survives a crash or a
 * `kill -9` of the daemon, but the last commits before a power loss or a kernel crash may be
 * lost. docs/configuration.md and docs/operations.md say when to choose which.
 */
import { ConfigError } from "./errors.ts";

/** SQLite's `synchronous` level of the daemon's database file. */
export type DbSynchronous = "full" | "normal";

/** Reads `db_synchronous` (`full` when unset); `where` names the setting's origin in errors. */
export function parseDbSynchronous(text: string | undefined, where: string): DbSynchronous {
  const value = (text ?? "full").trim().toLowerCase();
  if (value !== "full" && value !== "normal") {
    throw new ConfigError(
      `${where} must be "full" (every commit synced; survives a power loss) or "normal" ` +
        `(synced at checkpoints; survives a daemon crash, not a power loss); got "${text}"`,
    );
  }
  return value;
}
