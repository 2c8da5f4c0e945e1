/** Errors of plugin databases; their `name` and `message` reach the plugin as they are. */

/** A database call failed (SQL error, quota, closed database); `code` is SQLite's, if any. */
export class DbError extends Error {
  override name = "DbError";
  readonly code?: string;
  constructor(message: string, name?: string, code?: string) {
    super(message);
    if (name && name !== "Error" && name !== "SqliteError") this.name = name;
    if (code) this.code = code;
  }
}

/** A statement overran its time limit; the database process was stopped. */
export class DbTimeoutError extends DbError {
  override name = "DbTimeoutError";
}

/** The plugin has no `db` grant. */
export class DbDeniedError extends DbError {
  override name = "DbDeniedError";
}

/** A migration failed; nothing of the pending migrations was applied. */
export class DbMigrationError extends DbError {
  override name = "DbMigrationError";
}
