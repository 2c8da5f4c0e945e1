/** A parsed query as SQL over `logs l`: a WHERE clause, a full-text MATCH and regex filters. */
import type { SqlValue } from "@plugd/sdk";
import { normalizeLevel } from "./parse.ts";
import type { QueryNode } from "./query.ts";

/** What {@linkcode toSql} makes of a query. */
export interface SqlQuery {
  /** A condition over `l` (`"1"` when there is none). */
  where: string;
  args: SqlValue[];
  /** An FTS5 expression for the top-level words, joined for speed; null when none. */
  match: string | null;
  /** Regex filters the plugin applies to the rows SQL returns. */
  regexes: { field: string | null; pattern: RegExp; negate: boolean }[];
}

const COLUMNS = new Set(["level", "status", "path", "source", "msg"]);
const ALIASES: Record<string, string> = {
  message: "msg",
  severity: "level",
  status_code: "status",
};
const LEVEL_ORDER = ["debug", "info", "warn", "error", "fatal"];

/**
 * The longest run of literal text every match of `source` contains (3 characters or more), or
 * null: SQL narrows the rows with it before the plugin runs the regex. Conservative: a pattern
 * with `|` has none; a character made optional by `?`, `*` or `{0,` is not part of a run.
 *
 * @example
 * ```ts
 * requiredLiteral("order-99[0-9]{3}$"); // "order-99"
 * ```
 */
export function requiredLiteral(source: string): string | null {
  if (source.includes("|")) return null;
  let best = "";
  let run = "";
  let depth = 0; // text inside a group may be optional: only top-level text counts
  const end = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "[" || c === "{") {
      const close = source.indexOf(c === "[" ? "]" : "}", i + 1);
      end();
      if (close < 0) return null;
      i = close; // a class or a quantifier's bounds: no literal text
      continue;
    }
    if (c === "(" || c === ")") {
      depth += c === "(" ? 1 : -1;
      end();
      continue;
    }
    let literal: string | null = null;
    if (c === "\\") {
      const e = source[i + 1] ?? "";
      if (/[.\-\/\\^$*+?()[\]{}|:= ]/.test(e)) literal = e;
      i++;
    } else if (!/[.*+?^$]/.test(c)) literal = c;
    const after = source[i + 1];
    if (literal === null || depth > 0) {
      end();
      continue;
    }
    if (after === "?" || after === "*" || (after === "{" && /^\{0[,}]/.test(source.slice(i + 1)))) {
      end(); // optional: not in every match
      continue;
    }
    run += literal;
    if (after === "+" || after === "{") end(); // repeated: keep one, then stop the run
  }
  end();
  return best.length >= 3 ? best : null;
}

/** `"word"` or `"word"*` in FTS5 syntax, so user text cannot use FTS5's own operators. */
export function ftsTerm(value: string, prefix: boolean): string {
  return `"${value.replaceAll('"', '""')}"${prefix ? "*" : ""}`;
}

const glob = (v: string) => v.replace(/[[?]/g, (c) => `[${c}]`);

function columnOf(field: string): { expr: string; numeric: boolean } {
  const f = ALIASES[field] ?? field;
  if (COLUMNS.has(f)) return { expr: `l.${f}`, numeric: f === "status" };
  // Field names are [A-Za-z0-9_.@-] (the parser's rule), so the JSON path is a safe literal.
  const path = "$" + f.split(".").map((s) => `."${s.replace(/[^\w@-]/g, "")}"`).join("");
  return { expr: `json_extract(l.fields, '${path}')`, numeric: false };
}

function levelSql(n: Extract<QueryNode, { t: "field" }>): { sql: string; args: SqlValue[] } {
  const level = normalizeLevel(n.value) ?? n.value.toLowerCase();
  if (n.op === ":") {
    return n.value.includes("*")
      ? { sql: `l.level GLOB ?`, args: [glob(n.value.toLowerCase())] }
      : { sql: `l.level = ?`, args: [level] };
  }
  const at = LEVEL_ORDER.indexOf(level);
  if (at < 0) throw new SyntaxError(`"${n.value}" is not a level (${LEVEL_ORDER.join(", ")})`);
  const keep = LEVEL_ORDER.filter((_, i) =>
    n.op === ">" ? i > at : n.op === ">=" ? i >= at : n.op === "<" ? i < at : i <= at
  );
  return { sql: `l.level IN (${keep.map(() => "?").join(", ") || "NULL"})`, args: keep };
}

function fieldSql(n: Extract<QueryNode, { t: "field" }>): { sql: string; args: SqlValue[] } {
  const { expr, numeric } = columnOf(n.field);
  if (expr === "l.level") return levelSql(n);
  if (n.op !== ":") {
    const num = Number(n.value);
    if (!Number.isFinite(num)) throw new SyntaxError(`${n.field}${n.op} needs a number`);
    return { sql: `${expr} ${n.op} ?`, args: [num] };
  }
  if (n.value.includes("*")) return { sql: `CAST(${expr} AS TEXT) GLOB ?`, args: [glob(n.value)] };
  if (n.value.startsWith("/") && !numeric) {
    // A path and everything below it (or with a query string).
    const base = glob(n.value.replace(/\/$/, ""));
    return {
      sql: `(${expr} = ? OR ${expr} GLOB ? OR ${expr} GLOB ?)`,
      args: [n.value, `${base}/*`, `${base}[?]*`],
    };
  }
  const num = Number(n.value);
  if (numeric) return { sql: `${expr} = ?`, args: [num] };
  if (Number.isFinite(num) && n.value.trim() !== "") {
    return { sql: `(${expr} = ? OR ${expr} = ?)`, args: [num, n.value] };
  }
  return { sql: `${expr} = ?`, args: [n.value] };
}

function nodeSql(n: QueryNode): { sql: string; args: SqlValue[] } {
  switch (n.t) {
    case "and":
    case "or": {
      const parts = n.items.map(nodeSql);
      return {
        sql: `(${parts.map((p) => p.sql).join(n.t === "and" ? " AND " : " OR ")})`,
        args: parts.flatMap((p) => p.args),
      };
    }
    case "not": {
      const inner = nodeSql(n.item);
      return { sql: `NOT coalesce(${inner.sql}, 0)`, args: inner.args };
    }
    case "text":
      return {
        sql: "l.id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?)",
        args: [ftsTerm(n.value, n.prefix)],
      };
    case "field":
      return fieldSql(n);
    case "regex":
      throw new SyntaxError(
        "a ~regex filter can only be combined with AND (not inside OR or parentheses)",
      );
  }
}

/**
 * Splits the top-level AND of a query into what SQL does (conditions, one MATCH) and what the
 * plugin does after (regex filters).
 */
export function toSql(tree: QueryNode | null): SqlQuery {
  const items = tree === null ? [] : tree.t === "and" ? tree.items : [tree];
  const conds: string[] = [];
  const args: SqlValue[] = [];
  const words: string[] = [];
  const regexes: SqlQuery["regexes"] = [];
  for (const item of items) {
    if (item.t === "text") words.push(ftsTerm(item.value, item.prefix));
    else if (item.t === "regex") {
      regexes.push({ ...item, negate: false });
      const literal = requiredLiteral(item.pattern.source);
      if (literal) {
        conds.push(`instr(${item.field ? columnOf(item.field).expr : "l.msg"}, ?) > 0`);
        args.push(literal);
      }
    } else if (item.t === "not" && item.item.t === "regex") {
      regexes.push({ ...item.item, negate: true });
    } else {
      const part = nodeSql(item);
      conds.push(part.sql);
      args.push(...part.args);
    }
  }
  return {
    where: conds.length ? conds.join(" AND ") : "1",
    args,
    match: words.length ? words.join(" AND ") : null,
    regexes,
  };
}
