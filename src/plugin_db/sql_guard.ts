/**
 * The statement guard of plugin databases. libSQL's authorizer (in the pinned `libsql` 0.5) only
 * takes table allow/deny lists, so plugd checks each statement itself, conservatively: the
 * statement kinds a plugin needs, an allow-list of PRAGMAs, an allow-list of virtual table
 * modules, and no name (however quoted) of the functions and tables that reach files. Behind it,
 * the database process runs with only the plugin's database folder in its mount namespace.
 */
import { splitStatements, SqlSyntaxError, type SqlToken, tokenize } from "./sql_tokens.ts";

/** A statement the guard refuses; the message says why and what to do instead. */
export class SqlRefusedError extends Error {
  override name = "SqlRefusedError";
}

/** Longest SQL text accepted in one call. */
export const MAX_SQL_BYTES = 100 * 1024;
/** The table where plugd records applied migrations (read-only to plugins). */
export const MIGRATIONS_TABLE = "_plugd_migrations";

const STATEMENTS = new Set([
  "select",
  "values",
  "with",
  "insert",
  "replace",
  "update",
  "delete",
  "create",
  "drop",
  "alter",
  "analyze",
  "reindex",
  "vacuum",
  "pragma",
]);
const TRANSACTION = new Set(["begin", "commit", "end", "rollback", "savepoint", "release"]);
/** Functions and tables (compiled into libSQL) that read or write files or raw pages. */
const DENIED_NAMES = new Set([
  "readfile",
  "writefile",
  "fsdir",
  "lsmode",
  "load_extension",
  "fts3_tokenizer",
  "sqlite_dbpage",
  "sqlite_crypt",
  "edit",
  "zipfile",
  "pragma_database_list",
]);
const MODULES = new Set(["fts5", "fts5vocab", "fts4", "fts3", "fts4aux", "rtree", "rtree_i32"]);
/** PRAGMAs a plugin may read (`PRAGMA x`, `PRAGMA x(arg)`). */
const PRAGMA_READ = new Set([
  "table_info",
  "table_xinfo",
  "table_list",
  "index_list",
  "index_info",
  "index_xinfo",
  "foreign_key_list",
  "foreign_key_check",
  "integrity_check",
  "quick_check",
  "collation_list",
  "page_count",
  "freelist_count",
  "page_size",
  "max_page_count",
  "data_version",
  "schema_version",
  "encoding",
  "user_version",
  "application_id",
  "foreign_keys",
  "defer_foreign_keys",
  "recursive_triggers",
  "optimize",
]);
/** PRAGMAs a plugin may also set (`PRAGMA x = v`). */
const PRAGMA_SET = new Set([
  "user_version",
  "application_id",
  "foreign_keys",
  "defer_foreign_keys",
  "recursive_triggers",
]);

/** Options of {@linkcode checkSql}. */
export interface CheckSqlOptions {
  /** Accept several statements (migration files). @default false: exactly one */
  many?: boolean;
  /** May write plugd's own table (only the migration runner). @default false */
  internal?: boolean;
}

/**
 * Checks SQL a plugin sent; returns its statements (as SQL text, one each) or throws
 * {@link SqlRefusedError} naming the first problem.
 *
 * @example
 * ```ts
 * checkSql("SELECT * FROM notes WHERE id = ?"); // ["SELECT * FROM notes WHERE id = ?"]
 * checkSql("ATTACH '/etc/x.db' AS x"); // throws SqlRefusedError
 * ```
 */
export function checkSql(sql: unknown, options: CheckSqlOptions = {}): string[] {
  // A plugin repeats the same statements: the verdict on a text is always the same.
  const key = typeof sql === "string" && !options.many && !options.internal ? sql : undefined;
  const known = key === undefined ? undefined : accepted.get(key);
  if (known) return [known];
  const out = check(sql, options);
  if (key !== undefined) {
    if (accepted.size >= 512) accepted.delete(accepted.keys().next().value!);
    accepted.set(key, out[0]!);
  }
  return out;
}

const accepted = new Map<string, string>();

function check(sql: unknown, options: CheckSqlOptions): string[] {
  if (typeof sql !== "string" || sql.trim() === "") {
    throw new SqlRefusedError("SQL must be a non-empty string");
  }
  if (new TextEncoder().encode(sql).length > MAX_SQL_BYTES) {
    throw new SqlRefusedError(`SQL longer than ${MAX_SQL_BYTES} bytes; send smaller statements`);
  }
  let tokens: SqlToken[];
  try {
    tokens = tokenize(sql);
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw new SqlRefusedError(`SQL syntax: ${e.message}`);
    throw e;
  }
  const statements = splitStatements(tokens);
  if (statements.length === 0) throw new SqlRefusedError("SQL contains no statement");
  if (statements.length > 1 && !options.many) {
    throw new SqlRefusedError(
      "one statement per execute(); use ctx.db.batch([...]) for several",
    );
  }
  return statements.map((s) => {
    checkStatement(s, options.internal ?? false);
    return sql.slice(s[0]!.at, s[s.length - 1]!.at + s[s.length - 1]!.text.length);
  });
}

function checkStatement(tokens: SqlToken[], internal: boolean): void {
  let s = tokens;
  if (s[0]?.norm === "explain") {
    s = s.slice(s[1]?.norm === "query" && s[2]?.norm === "plan" ? 3 : 1);
  }
  const first = s[0];
  const verb = first?.kind === "word" ? first.norm : "";
  if (verb === "attach" || verb === "detach") {
    throw new SqlRefusedError(
      `${verb.toUpperCase()} is refused: a plugin's database is its one file`,
    );
  }
  if (TRANSACTION.has(verb)) {
    throw new SqlRefusedError(
      `${verb.toUpperCase()} is refused: use ctx.db.transaction(fn) or ctx.db.batch([...])`,
    );
  }
  if (!STATEMENTS.has(verb)) {
    throw new SqlRefusedError(
      `statements starting with ${JSON.stringify(first?.text ?? "")} are not allowed`,
    );
  }
  if (verb === "vacuum" && s.some((t) => t.kind === "word" && t.norm === "into")) {
    throw new SqlRefusedError("VACUUM INTO is refused: it writes a copy of the database elsewhere");
  }
  if (verb === "pragma") return checkPragma(s);
  const isVirtual = verb === "create" && s.some((t) => t.norm === "virtual");
  for (let i = 0; i < s.length; i++) {
    const t = s[i]!;
    const named = t.kind === "word" || t.kind === "name" ||
      (isVirtual && t.kind === "string");
    const norm = t.kind === "string" ? t.text.slice(1, -1).toLowerCase() : t.norm;
    if (!named) continue;
    if (DENIED_NAMES.has(norm) || norm.startsWith("sqlite3mc_")) {
      throw new SqlRefusedError(
        `${JSON.stringify(norm)} is not available to plugins (it reaches files or raw pages)`,
      );
    }
    if (norm === MIGRATIONS_TABLE && !internal && verb !== "select" && verb !== "with") {
      throw new SqlRefusedError(`${MIGRATIONS_TABLE} belongs to plugd's migration runner`);
    }
    if (isVirtual && t.norm === "using" && t.kind === "word") {
      const module = s[i + 1]?.norm ?? "";
      if (!MODULES.has(module)) {
        throw new SqlRefusedError(
          `virtual table module ${JSON.stringify(module)} is not allowed; use one of ${
            [...MODULES].join(", ")
          }`,
        );
      }
    }
  }
}

function checkPragma(s: SqlToken[]): void {
  let i = 1;
  if (s[2]?.norm === ".") {
    if (s[1]?.norm !== "main" && s[1]?.norm !== "temp") {
      throw new SqlRefusedError("PRAGMA may name only the main or temp schema");
    }
    i = 3;
  }
  const name = s[i]?.norm ?? "";
  const sets = s[i + 1]?.norm === "=";
  const allowed = sets ? PRAGMA_SET : PRAGMA_READ;
  if (!allowed.has(name)) {
    throw new SqlRefusedError(
      `PRAGMA ${name}${sets ? " = …" : ""} is not allowed for plugins (it changes durability, ` +
        `limits or files); allowed: ${[...PRAGMA_READ].join(", ")} (and setting ${
          [...PRAGMA_SET].join(", ")
        })`,
    );
  }
}
