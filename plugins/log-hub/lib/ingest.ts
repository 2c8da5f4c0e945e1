/** The two pushed sources: NDJSON batches on the public route, and `log.line` events. */
import { fromObject, parseLine, type Rules } from "./parse.ts";
import type { LogRecord } from "./types.ts";

/** One item of a batch: a raw line (parsed by `parser`) or a structured record. */
function item(v: unknown, parser: string, rules: Rules, source: string, now: number): LogRecord {
  if (typeof v === "string") return parseLine(v, parser, rules, source, now);
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.line === "string" && o.msg === undefined && o.message === undefined) {
      const p = typeof o.parser === "string" ? o.parser : parser;
      const rec = parseLine(o.line, p, rules, source, now);
      const { line: _l, parser: _p, ...rest } = o;
      return Object.keys(rest).length ? { ...rec, ...mergeFields(rec, rest, source, now) } : rec;
    }
    return fromObject(o, source, now);
  }
  throw new TypeError("each line must be a string or a JSON object");
}

/** Extra fields sent beside a raw line (a service name, a host) land in `fields`. */
function mergeFields(
  rec: LogRecord,
  extra: Record<string, unknown>,
  source: string,
  now: number,
): Partial<LogRecord> {
  const known = fromObject({ ...extra, msg: rec.msg }, source, now);
  return {
    level: known.level ?? rec.level,
    ts: extra.ts !== undefined || extra.time !== undefined ? known.ts : rec.ts,
    fields: { ...rec.fields, ...known.fields },
  };
}

/** What an NDJSON batch gave: the records and the lines that could not be read. */
export interface BatchResult {
  records: LogRecord[];
  rejected: { line: number; error: string }[];
}

/**
 * An NDJSON body: one JSON value per line, each a raw line (string, or `{"line": "...",
 * "parser": "clf", ...fields}`) or a structured record (`{"level": "error", "msg": "...", ...}`).
 */
export function parseNdjson(body: string, parser: string, rules: Rules, now: number): BatchResult {
  const records: LogRecord[] = [];
  const rejected: BatchResult["rejected"] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === "") continue;
    try {
      records.push(item(JSON.parse(l), parser, rules, "http", now));
    } catch (e) {
      if (rejected.length < 20) rejected.push({ line: i + 1, error: (e as Error).message });
      else rejected.length === 20 && rejected.push({ line: i + 1, error: "and more" });
    }
  }
  return { records, rejected };
}

/**
 * A `log.line` event's data: one line (`{"line": "..."}`, `{"msg": "...", "level": ...}` or a
 * string) or a batch (`{"lines": [...]}`, items as in NDJSON). `source` is the event's source.
 */
export function parseEventData(
  data: unknown,
  parser: string,
  rules: Rules,
  source: string,
  now: number,
): LogRecord[] {
  const src = `event:${source}`;
  if (data && typeof data === "object" && Array.isArray((data as { lines?: unknown }).lines)) {
    const { lines, ...common } = data as { lines: unknown[] };
    return lines.map((v) => {
      const withCommon = v && typeof v === "object"
        ? { ...common, ...v }
        : typeof v === "string"
        ? (Object.keys(common).length ? { ...common, line: v } : v)
        : v;
      return item(withCommon, parser, rules, src, now);
    });
  }
  return [item(data, parser, rules, src, now)];
}

/** Constant-time comparison of a presented token with the configured one. */
export async function tokenMatches(expected: string, presented: string | null): Promise<boolean> {
  if (!presented) return false;
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
    crypto.subtle.digest("SHA-256", enc.encode(presented)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** The token a request presents: `Authorization: Bearer <t>` or `X-Log-Hub-Token: <t>`. */
export function presentedToken(req: Request): string | null {
  const auth = req.headers.get("authorization");
  const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  return bearer || req.headers.get("x-log-hub-token");
}
