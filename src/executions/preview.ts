/**
 * Size-capped JSON previews with secrets redacted. A value whose JSON text fits the budget and
 * shows no redacted key, no secret and no nesting past the walk's limit is previewed as that text
 * (`JSON.stringify`, native: most calls' values). Any other goes through the walk, which stops
 * once the budget is spent, so a 1 MiB payload costs about as much as a 4 KiB one, and replaces
 * secrets inside each string before it is cut, so a preview never ends in half a secret. Both give
 * the text `JSON.stringify` would (`toJSON` applied, what a plugin receives), redacted and cut.
 */

/** What a preview hides: values of these keys at any depth, and these exact strings anywhere. */
export interface Redaction {
  /** Object keys whose values are replaced, compared in lower case (e.g. `webhook_url`). */
  keys: ReadonlySet<string>;
  /** Secret values (at least 4 characters) replaced wherever they occur. */
  values: readonly string[];
}

/** What secrets look like in a preview. */
export const REDACTED = "********";

/** Largest preview, in characters of JSON text. */
export const PREVIEW_MAX = 4096;

/** Keys redacted whatever a plugin's config says (credentials in transit). */
const ALWAYS = ["authorization", "cookie", "set-cookie", "password", "x-api-key"];

/** No secrets known: only the keys every preview hides. */
export const NO_SECRETS: Redaction = { keys: new Set(ALWAYS), values: [] };

/**
 * A redaction from a plugin's secret setting paths (`github/token`, `channels/0/key`) and their
 * plain values: the last name of each path becomes a redacted key.
 *
 * @example
 * ```ts
 * const r = redactionOf(["webhook_url"], ["https://hooks.slack.com/T0/B0/x"]);
 * preview({ url: "https://hooks.slack.com/T0/B0/x" }, r); // '{"url":"********"}'
 * ```
 */
export function redactionOf(paths: readonly string[], values: readonly unknown[]): Redaction {
  const keys = new Set(ALWAYS);
  for (const path of paths) {
    const last = path.split("/").filter((s) => !/^\d+$/.test(s)).at(-1);
    if (last) keys.add(last.toLowerCase());
  }
  const strings = values.filter((v): v is string => typeof v === "string" && v.length >= 4);
  // Longest first, so a secret containing another is replaced whole.
  return { keys, values: [...new Set(strings)].sort((a, b) => b.length - a.length) };
}

function hide(text: string, r: Redaction): string {
  for (const secret of r.values) {
    if (text.includes(secret)) text = text.split(secret).join(REDACTED);
  }
  return text;
}

/**
 * A text (an error message) with secret values hidden, cut to `max` characters.
 *
 * @example
 * ```ts
 * redactText("token abcd rejected", redactionOf([], ["abcd"])); // "token ******** rejected"
 * ```
 */
export function redactText(
  text: string,
  redaction: Redaction = NO_SECRETS,
  max = PREVIEW_MAX,
): string {
  const room = max + 1 + (redaction.values[0]?.length ?? 0);
  const hidden = hide(text.length > room ? text.slice(0, room) : text, redaction);
  return hidden.length > max ? `${hidden.slice(0, max)}…` : hidden;
}

/** The result of {@linkcode preview}: JSON text (possibly cut) and whether it was cut. */
export interface Preview {
  text: string;
  truncated: boolean;
}

/** Objects nested deeper than this are shown as `"[…]"`. */
const MAX_DEPTH = 32;

/** What the text check looks for: `"key":` in the lower-cased text, secrets in the text. */
interface Needles {
  keys: RegExp | null;
  values: RegExp | null;
}

const NEEDLES = new WeakMap<Redaction, Needles | null>();

/** Whether `s` appears as itself in JSON text (nothing in it is escaped). */
function verbatim(s: string): boolean {
  return s.isWellFormed() && JSON.stringify(s).length === s.length + 2;
}

/** One pattern finding any of `texts` (null for none): one search instead of one per text. */
function anyOf(texts: readonly string[]): RegExp | null {
  if (texts.length === 0) return null;
  return new RegExp(texts.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"));
}

/**
 * The needles of `r`, made once per redaction; null when a key or secret could appear in JSON text
 * other than as itself (escaped characters; a key outside printable ASCII, whose lower case could
 * depend on its neighbours): such redactions always take the walk.
 */
function needlesOf(r: Redaction): Needles | null {
  let n = NEEDLES.get(r);
  if (n === undefined) {
    const keys = [...r.keys];
    n = keys.every((k) => /^[\x20-\x7e]*$/.test(k) && verbatim(k)) && r.values.every(verbatim)
      ? { keys: anyOf(keys.map((k) => `"${k}":`)), values: anyOf(r.values) }
      : null;
    NEEDLES.set(r, n);
  }
  return n;
}

/** Whether JSON `text` nests objects and arrays deeper than the walk shows. */
function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH + 1) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/**
 * `JSON.stringify(value)` when it is the preview as it is: it fits `max` and shows no redacted key
 * (compared in lower case, as the walk does), no secret value, no nesting past `MAX_DEPTH`.
 * Null when the walk must make it (cycles and bigints throw here, and go there too).
 */
function asIs(value: unknown, r: Redaction, max: number): string | null {
  const needles = needlesOf(r);
  if (needles === null) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return null;
  }
  if (typeof text !== "string" || text.length > max) return null;
  if (needles.keys?.test(text.toLowerCase()) || needles.values?.test(text)) return null;
  // 34 nested openings take 68 characters with their closings.
  if (text.length >= 2 * (MAX_DEPTH + 2) && tooDeep(text)) return null;
  return text;
}

/** What `JSON.stringify` turns a value into before writing it (`toJSON`, boxed primitives). */
function jsonValue(v: unknown, key: string): unknown {
  if (typeof v !== "object" || v === null) return v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") v = toJSON.call(v, key);
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return v.valueOf();
  return v;
}

/**
 * JSON text of `value`, at most `max` characters (then cut and ending in `…`), with redacted keys'
 * values and secret strings shown as `********`. `undefined` gives null.
 *
 * @example
 * ```ts
 * preview({ token: "abc", n: 1 }, redactionOf(["token"], [])); // { text: '{"token":"********","n":1}', truncated: false }
 * ```
 */
export function preview(
  value: unknown,
  redaction: Redaction = NO_SECRETS,
  max = PREVIEW_MAX,
): Preview | null {
  if (value === undefined) return null;
  const text = asIs(value, redaction, max);
  return text !== null ? { text, truncated: false } : walkPreview(value, redaction, max);
}

/**
 * The text of {@linkcode preview} alone (what a record stores), or null for `undefined`.
 *
 * @example
 * ```ts
 * previewText({ ok: true }); // '{"ok":true}'
 * ```
 */
export function previewText(
  value: unknown,
  redaction: Redaction = NO_SECRETS,
  max = PREVIEW_MAX,
): string | null {
  if (value === undefined) return null;
  return asIs(value, redaction, max) ?? walkPreview(value, redaction, max).text;
}

/** The walk: writes JSON text piece by piece, redacting, until the budget is spent. */
function walkPreview(value: unknown, redaction: Redaction, max: number): Preview {
  const out: string[] = [];
  let used = 0;
  let cut = false;
  const put = (s: string): boolean => {
    if (cut) return false;
    if (used + s.length > max) {
      out.push(s.slice(0, Math.max(0, max - used)));
      used = max;
      cut = true;
      return false;
    }
    out.push(s);
    used += s.length;
    return true;
  };
  const seen = new Set<object>();
  const walk = (raw: unknown, depth: number, key: string): boolean => {
    const v = jsonValue(raw, key);
    if (v === null || v === undefined || typeof v === "function" || typeof v === "symbol") {
      return put("null");
    }
    if (typeof v === "string") {
      // Cut long strings before escaping them, past the longest secret so none is cut in half.
      const room = max + 1 + (redaction.values[0]?.length ?? 0);
      return put(JSON.stringify(hide(v.length > room ? v.slice(0, room) : v, redaction)));
    }
    if (typeof v === "number") return put(Number.isFinite(v) ? String(v) : "null");
    if (typeof v === "boolean") return put(String(v));
    if (typeof v === "bigint") return put(String(v));
    if (typeof v !== "object" || seen.has(v) || depth > MAX_DEPTH) return put('"[…]"');
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        if (!put("[")) return false;
        for (let i = 0; i < v.length; i++) {
          if ((i > 0 && !put(",")) || !walk(v[i], depth + 1, String(i))) return false;
        }
        return put("]");
      }
      if (!put("{")) return false;
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
        if (!first && !put(",")) return false;
        first = false;
        if (!put(`${JSON.stringify(hide(k, redaction))}:`)) return false;
        const secret = redaction.keys.has(k.toLowerCase()) && x !== null;
        if (!(secret ? put(JSON.stringify(REDACTED)) : walk(x, depth + 1, k))) return false;
      }
      return put("}");
    } finally {
      seen.delete(v);
    }
  };
  walk(value, 0, "");
  const text = out.join("");
  return cut ? { text: `${text}…`, truncated: true } : { text, truncated: false };
}
