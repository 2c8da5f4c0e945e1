/**
 * Parsing rules: a raw line becomes a {@link LogRecord}. `json` (one JSON object per line), `clf`
 * (common and combined access-log format), `text` (the line as its message, with a level word if
 * it has one), a named regex rule (its named groups become fields) and `auto` (JSON when the line
 * is an object, else an access-log line, else text).
 */
import { parseTimestamp } from "./time.ts";
import type { LogRecord, RegexRule } from "./types.ts";

/** The longest message kept; longer ones are cut (the line stays searchable by its start). */
export const MAX_MSG = 16 * 1024;
const MAX_FIELDS = 16 * 1024;

const LEVELS: Record<string, string> = {
  trace: "debug",
  debug: "debug",
  verbose: "debug",
  info: "info",
  information: "info",
  notice: "info",
  warn: "warn",
  warning: "warn",
  err: "error",
  error: "error",
  crit: "fatal",
  critical: "fatal",
  alert: "fatal",
  emerg: "fatal",
  fatal: "fatal",
  panic: "fatal",
};
const LEVEL_WORD = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|PANIC)\b/;
const CLF =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([A-Z]+) (\S+)(?: ([^"]*))?" (\d{3}) (\d+|-)(?: "([^"]*)" "([^"]*)")?/;

/** A level name or number (syslog 0-7 is not guessed; pino/bunyan 10-60 are) normalized. */
export function normalizeLevel(value: unknown): string | null {
  if (typeof value === "number") {
    if (value >= 60) return "fatal";
    if (value >= 50) return "error";
    if (value >= 40) return "warn";
    if (value >= 30) return "info";
    return value >= 10 ? "debug" : null;
  }
  if (typeof value !== "string") return null;
  return LEVELS[value.trim().toLowerCase()] ?? null;
}

/** The level an HTTP status implies: 5xx error, 4xx warn, else info. */
export function levelOfStatus(status: number | null): string | null {
  if (status === null) return null;
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}

const pick = (o: Record<string, unknown>, names: string[]): unknown => {
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
};

function toStatus(v: unknown): number | null {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 999 ? n : null;
}

function toPath(v: unknown): string | null {
  if (typeof v !== "string" || v === "") return null;
  if (/^https?:\/\//.test(v)) {
    try {
      const u = new URL(v);
      return u.pathname + u.search;
    } catch { /* keep as is */ }
  }
  return v.slice(0, 2048);
}

function fieldsOrNull(o: Record<string, unknown>): Record<string, unknown> | null {
  if (Object.keys(o).length === 0) return null;
  const text = JSON.stringify(o);
  return text.length <= MAX_FIELDS ? o : { _truncated: text.slice(0, MAX_FIELDS) };
}

/**
 * A structured record (a parsed JSON line, an event's data, an NDJSON item) as a LogRecord:
 * well-known names become columns (`ts|time|timestamp|@timestamp`, `level|severity|lvl`,
 * `msg|message`, `status|status_code`, `path|url|uri`), the rest stays in `fields`.
 */
export function fromObject(o: Record<string, unknown>, source: string, now: number): LogRecord {
  const rest: Record<string, unknown> = { ...o };
  const take = (names: string[]): unknown => {
    const v = pick(rest, names);
    for (const n of names) delete rest[n];
    return v;
  };
  const ts = parseTimestamp(take(["ts", "time", "timestamp", "@timestamp", "date"])) ?? now;
  const rawLevel = take(["level", "severity", "lvl", "log.level"]);
  const status = toStatus(take(["status", "status_code", "statusCode"]));
  const path = toPath(take(["path", "url", "uri", "request_uri"]));
  const message = take(["msg", "message", "text", "log"]);
  const msg = typeof message === "string"
    ? message
    : message === undefined
    ? (path ? `${rest.method ?? ""} ${path} ${status ?? ""}`.trim() : JSON.stringify(o))
    : JSON.stringify(message);
  return {
    ts,
    level: normalizeLevel(rawLevel) ?? levelOfStatus(status),
    status,
    path,
    source,
    msg: msg.slice(0, MAX_MSG),
    fields: fieldsOrNull(rest),
  };
}

function text(line: string, source: string, now: number): LogRecord {
  const word = LEVEL_WORD.exec(line.slice(0, 200));
  return {
    ts: now,
    level: word ? normalizeLevel(word[1]) : null,
    status: null,
    path: null,
    source,
    msg: line.slice(0, MAX_MSG),
    fields: null,
  };
}

function clf(line: string, source: string, now: number): LogRecord | null {
  const m = CLF.exec(line);
  if (!m) return null;
  const status = Number(m[8]);
  const fields: Record<string, unknown> = { client: m[1], method: m[5] };
  if (m[3] !== "-") fields.user = m[3];
  if (m[7]) fields.protocol = m[7];
  if (m[9] !== "-") fields.bytes = Number(m[9]);
  if (m[10] !== undefined && m[10] !== "-") fields.referer = m[10];
  if (m[11] !== undefined && m[11] !== "-") fields.user_agent = m[11];
  return {
    ts: parseTimestamp(m[4]) ?? now,
    level: levelOfStatus(status),
    status,
    path: m[6]!.slice(0, 2048),
    source,
    msg: line.slice(0, MAX_MSG),
    fields,
  };
}

function json(line: string, source: string, now: number): LogRecord | null {
  if (!line.startsWith("{")) return null;
  try {
    const o = JSON.parse(line);
    return o && typeof o === "object" && !Array.isArray(o) ? fromObject(o, source, now) : null;
  } catch {
    return null;
  }
}

/** Compiled regex rules by name (compiled once per settings). */
export type Rules = Map<string, RegExp>;

/** Compiles the settings' regex rules; throws a `SyntaxError` naming the rule. */
export function compileRules(rules: RegexRule[]): Rules {
  const out: Rules = new Map();
  for (const r of rules) {
    try {
      out.set(r.name, new RegExp(r.pattern));
    } catch (e) {
      throw new SyntaxError(`rule "${r.name}": ${(e as Error).message}`);
    }
  }
  return out;
}

function regex(re: RegExp, line: string, source: string, now: number): LogRecord | null {
  const m = re.exec(line);
  if (!m) return null;
  const groups: Record<string, unknown> = { ...m.groups };
  for (const [k, v] of Object.entries(groups)) if (v === undefined) delete groups[k];
  if (groups.msg === undefined && groups.message === undefined) groups.msg = line;
  return fromObject(groups, source, now);
}

/**
 * Parses `line` with the parser named `parser` (`auto`, `json`, `clf`, `text` or a rule name).
 * A line the parser does not match is kept as text, so nothing is lost.
 *
 * @example
 * ```ts
 * parseLine('{"level":"warn","msg":"slow"}', "json", new Map(), "http", Date.now()).level; // "warn"
 * ```
 */
export function parseLine(
  line: string,
  parser: string,
  rules: Rules,
  source: string,
  now: number,
): LogRecord {
  const rule = rules.get(parser);
  const parsed = rule
    ? regex(rule, line, source, now)
    : parser === "json"
    ? json(line, source, now)
    : parser === "clf"
    ? clf(line, source, now)
    : parser === "text"
    ? null
    : json(line, source, now) ?? clf(line, source, now);
  return parsed ?? text(line, source, now);
}
