/**
 * A small SQLite tokenizer for the statement guard: enough of SQLite's lexical rules to find
 * statement boundaries, keywords and names whatever their quoting (`"x"`, `[x]`, `` `x` ``).
 */

/** What a token is. */
export type TokenKind = "word" | "name" | "string" | "blob" | "number" | "param" | "punct";

/** One token; `norm` is the lowercased word or the unquoted name (`""` otherwise). */
export interface SqlToken {
  kind: TokenKind;
  text: string;
  norm: string;
  /** Offset in the SQL text. */
  at: number;
}

/** The SQL could not be tokenized (an unterminated string, comment or quoted name). */
export class SqlSyntaxError extends Error {
  override name = "SqlSyntaxError";
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Finds the end of a quoted run starting at `i` (the opening quote), doubling as escape. */
function quoted(sql: string, i: number, close: string, what: string): number {
  let j = i + 1;
  while (true) {
    const k = sql.indexOf(close, j);
    if (k === -1) throw new SqlSyntaxError(`unterminated ${what} at offset ${i}`);
    if (close !== "]" && sql[k + 1] === close) {
      j = k + 2;
      continue;
    }
    return k + 1;
  }
}

/**
 * Splits `sql` into tokens, dropping whitespace and comments. Throws {@link SqlSyntaxError} on
 * an unterminated string, quoted name or block comment.
 *
 * @example
 * ```ts
 * tokenize(`SELECT "readfile"('x')`).map((t) => t.norm); // ["select", "readfile", "(", "", ")"]
 * ```
 */
export function tokenize(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl === -1 ? sql.length : nl + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end === -1) throw new SqlSyntaxError(`unterminated comment at offset ${i}`);
      i = end + 2;
      continue;
    }
    const start = i;
    const push = (kind: TokenKind, end: number, norm = "") => {
      out.push({ kind, text: sql.slice(start, end), norm, at: start });
      i = end;
    };
    if ((c === "x" || c === "X") && sql[i + 1] === "'") {
      push("blob", quoted(sql, i + 1, "'", "blob literal"));
    } else if (c === "'") {
      push("string", quoted(sql, i, "'", "string"));
    } else if (c === '"' || c === "`") {
      const end = quoted(sql, i, c, "quoted name");
      push("name", end, sql.slice(i + 1, end - 1).replaceAll(c + c, c).toLowerCase());
    } else if (c === "[") {
      const end = quoted(sql, i, "]", "quoted name");
      push("name", end, sql.slice(i + 1, end - 1).toLowerCase());
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD.test(sql[j]!)) j++;
      push("word", j, sql.slice(i, j).toLowerCase());
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < sql.length && /[0-9A-Za-z_.]/.test(sql[j]!)) {
        // exponent signs: 1e+5
        if (/[eE]/.test(sql[j]!) && /[+-]/.test(sql[j + 1] ?? "")) j++;
        j++;
      }
      push("number", j);
    } else if (c === "?" || c === ":" || c === "@" || c === "$") {
      let j = i + 1;
      while (j < sql.length && (WORD.test(sql[j]!) || sql[j] === ":")) j++;
      push("param", j);
    } else {
      push("punct", i + 1, c);
    }
  }
  return out;
}

/**
 * Splits tokens into statements at top-level `;`. A `CREATE TRIGGER … BEGIN … END` body keeps its
 * inner `;` (a `CASE … END` inside it does not end it). Empty statements are dropped.
 */
export function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const out: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let trigger = false;
  let body = false;
  let cases = 0;
  for (const t of tokens) {
    if (t.kind === "punct" && t.norm === ";" && !body) {
      if (current.length > 0) out.push(current);
      current = [];
      trigger = false;
      continue;
    }
    current.push(t);
    if (t.kind !== "word") continue;
    if (current.length <= 3 && t.norm === "trigger" && isCreateTrigger(current)) trigger = true;
    else if (trigger && !body && t.norm === "begin") body = true;
    else if (body && t.norm === "case") cases++;
    else if (body && t.norm === "end") {
      if (cases > 0) cases--;
      else body = false;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** `CREATE [TEMP|TEMPORARY] TRIGGER`, exactly as SQLite's grammar has it. */
function isCreateTrigger(t: SqlToken[]): boolean {
  if (t[0]?.norm !== "create") return false;
  if (t[1]?.norm === "trigger") return true;
  return (t[1]?.norm === "temp" || t[1]?.norm === "temporary") && t[2]?.norm === "trigger";
}
