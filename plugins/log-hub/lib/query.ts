/**
 * The search language, parsed into a tree:
 *
 * - `timeout`, `"connection refused"`, `time*`: full-text words, phrases and prefixes
 * - `field:value` equals (`status:500`, `level:error`, `user:ann`); `*` is a wildcard
 *   (`status:5*`); a value starting with `/` also matches below it (`path:/api` finds `/api/x`)
 * - `field>N`, `field>=N`, `field<N`, `field<=N` compare numbers (`level>=warn` compares levels)
 * - `field~regex`, `~regex` (the message): a regular expression filter
 * - `AND` (also implied between terms), `OR`, `NOT` / `-term`, parentheses
 */

/** A parsed query. */
export type QueryNode =
  | { t: "and"; items: QueryNode[] }
  | { t: "or"; items: QueryNode[] }
  | { t: "not"; item: QueryNode }
  | { t: "text"; value: string; prefix: boolean }
  | { t: "field"; field: string; op: ":" | ">" | ">=" | "<" | "<="; value: string }
  | { t: "regex"; field: string | null; pattern: RegExp };

type Token = { k: "(" | ")" | "word"; v: string; quoted: boolean };

const FIELD = /^([A-Za-z_@][\w.@-]*)?(:|>=|<=|>|<|~)(.*)$/s;

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      out.push({ k: c, v: c, quoted: false });
      i++;
      continue;
    }
    let v = "";
    let quoted = false;
    // Inside a regex (after ~) parentheses belong to the pattern; quote it to use spaces.
    while (i < q.length && !/\s/.test(q[i]!) && (v.includes("~") || !/[()]/.test(q[i]!))) {
      if (q[i] === '"') {
        const end = q.indexOf('"', i + 1);
        if (end < 0) throw new SyntaxError(`unclosed quote in "${q}"`);
        if (v === "") quoted = true; // a phrase; a quoted value after field: is not
        v += q.slice(i + 1, end);
        i = end + 1;
      } else v += q[i++];
    }
    out.push({ k: "word", v, quoted });
  }
  return out;
}

function term(tok: Token): QueryNode {
  const raw = tok.v;
  const m = tok.quoted ? null : FIELD.exec(raw);
  if (m && (m[1] || m[2] === "~")) {
    const [, field, op, value] = m;
    if (op === "~") {
      try {
        return { t: "regex", field: field ?? null, pattern: new RegExp(value!) };
      } catch (e) {
        throw new SyntaxError(`"${raw}": ${(e as Error).message}`);
      }
    }
    if (value === "") throw new SyntaxError(`"${raw}" has no value; write ${field}${op}something`);
    return { t: "field", field: field!.toLowerCase(), op: op as ":", value: value! };
  }
  if (tok.quoted) return { t: "text", value: raw, prefix: false };
  const prefix = raw.endsWith("*");
  const value = prefix ? raw.slice(0, -1) : raw;
  if (value === "") throw new SyntaxError(`"${raw}" is not a search term`);
  return { t: "text", value, prefix };
}

/**
 * Parses a query; an empty one is `null` (everything). Throws a `SyntaxError` naming the problem.
 *
 * @example
 * ```ts
 * parseQuery("status:5* AND path:/api"); // {t: "and", items: [field status, field path]}
 * ```
 */
export function parseQuery(q: string): QueryNode | null {
  const tokens = tokenize(q);
  if (tokens.length === 0) return null;
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (t: Token | undefined, op: string) => t?.k === "word" && !t.quoted && t.v === op;

  const primary = (): QueryNode => {
    const t = tokens[pos++];
    if (!t) throw new SyntaxError("the query ends too early");
    if (t.k === "(") {
      const inner = or();
      if (tokens[pos++]?.k !== ")") throw new SyntaxError("a parenthesis is not closed");
      return inner;
    }
    if (t.k === ")") throw new SyntaxError("a closing parenthesis has no opening one");
    if (!t.quoted && t.v.startsWith("-") && t.v.length > 1) {
      return { t: "not", item: term({ ...t, v: t.v.slice(1) }) };
    }
    return term(t);
  };
  const unary = (): QueryNode => {
    if (isOp(peek(), "NOT")) {
      pos++;
      return { t: "not", item: unary() };
    }
    return primary();
  };
  const and = (): QueryNode => {
    const items = [unary()];
    while (pos < tokens.length && peek()!.k !== ")" && !isOp(peek(), "OR")) {
      if (isOp(peek(), "AND")) pos++;
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { t: "and", items };
  };
  const or = (): QueryNode => {
    const items = [and()];
    while (isOp(peek(), "OR")) {
      pos++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { t: "or", items };
  };
  const tree = or();
  if (pos < tokens.length) {
    throw new SyntaxError(
      tokens[pos]!.k === ")"
        ? "a closing parenthesis has no opening one"
        : `unexpected "${tokens[pos]!.v}"`,
    );
  }
  return tree;
}
