/**
 * Size-capped JSON previews with secrets redacted. The walk stops once the budget is spent, so a
 * 1 MiB payload costs about as much as a 4 KiB one, and secrets are replaced inside each string
 * before it is cut, so a preview never ends in half a secret.
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
  const walk = (v: unknown, depth: number): boolean => {
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
    if (typeof v !== "object" || seen.has(v) || depth > 32) return put('"[…]"');
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        if (!put("[")) return false;
        for (let i = 0; i < v.length; i++) {
          if ((i > 0 && !put(",")) || !walk(v[i], depth + 1)) return false;
        }
        return put("]");
      }
      if (!put("{")) return false;
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined || typeof x === "function") continue;
        if (!first && !put(",")) return false;
        first = false;
        if (!put(`${JSON.stringify(hide(k, redaction))}:`)) return false;
        const secret = redaction.keys.has(k.toLowerCase()) && x !== null;
        if (!(secret ? put(JSON.stringify(REDACTED)) : walk(x, depth + 1))) return false;
      }
      return put("}");
    } finally {
      seen.delete(v);
    }
  };
  walk(value, 0);
  const text = out.join("");
  return cut ? { text: `${text}…`, truncated: true } : { text, truncated: false };
}
