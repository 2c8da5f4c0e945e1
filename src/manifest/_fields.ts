/** Small helpers shared by the manifest validators. Private to src/manifest. */
import type { Problem } from "./types.ts";

/** Collected problems; validators push onto it and never throw. */
export type Problems = Problem[];

/** A plain object (mapping), not an array or null. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A short description of a value's YAML type, for messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/** `base.key`, or `base["odd key"]` when the key is not identifier-like. */
export function at(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/.test(key);
  if (!base) return safe ? key : `[${JSON.stringify(key)}]`;
  return safe ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** Reports every key of `obj` not in `allowed`, naming the allowed keys. */
export function checkKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  p: Problems,
): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    p.push({
      field: at(path, key),
      message: `unknown key ${JSON.stringify(key)}${path ? ` in ${path}` : ""}; ` +
        `remove it or use one of: ${allowed.join(", ")}`,
    });
  }
}

/** Reports that `path` must be a mapping and returns whether it is one. */
export function expectRecord(
  v: unknown,
  path: string,
  p: Problems,
  example: string,
): v is Record<string, unknown> {
  if (isRecord(v)) return true;
  p.push({ field: path, message: `must be a mapping like ${example}; got ${typeName(v)}` });
  return false;
}

/** Reports that `path` must be a list and returns whether it is one. */
export function expectList(v: unknown, path: string, p: Problems, example: string): v is unknown[] {
  if (Array.isArray(v)) return true;
  p.push({ field: path, message: `must be a list like ${example}; got ${typeName(v)}` });
  return false;
}

/** True when `s` contains ASCII control characters (newlines, NUL, ...). */
export function hasControlChars(s: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s);
}

/**
 * Validates a required or optional single-line string. Returns it, or undefined
 * after reporting a problem (or when optional and absent).
 */
export function stringField(
  obj: Record<string, unknown>,
  key: string,
  p: Problems,
  opts: { required: boolean; example: string; maxLength?: number; path?: string },
): string | undefined {
  const path = at(opts.path ?? "", key);
  const v = obj[key];
  if (v === undefined || v === null) {
    if (opts.required) {
      p.push({ field: path, message: `is required; add e.g. ${key}: ${opts.example}` });
    }
    return undefined;
  }
  if (typeof v !== "string") {
    p.push({
      field: path,
      message: `must be a string like ${opts.example}; got ${typeName(v)} (quote it in YAML)`,
    });
    return undefined;
  }
  if (v.trim() === "") {
    p.push({ field: path, message: `must not be empty; write e.g. ${key}: ${opts.example}` });
    return undefined;
  }
  const max = opts.maxLength ?? 200;
  if (v.length > max) {
    p.push({
      field: path,
      message: `is ${v.length} characters long; shorten it to ${max} or less`,
    });
    return undefined;
  }
  if (hasControlChars(v)) {
    p.push({ field: path, message: "must be a single line without control characters" });
    return undefined;
  }
  return v;
}

/** An integer in [min, max], or undefined after reporting a problem. */
export function intInRange(
  v: unknown,
  path: string,
  p: Problems,
  min: number,
  max: number,
): number | undefined {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    p.push({
      field: path,
      message: `must be a whole number from ${min} to ${max}; got ${typeName(v)}`,
    });
    return undefined;
  }
  if (v < min || v > max) {
    p.push({ field: path, message: `must be from ${min} to ${max}; got ${v}` });
    return undefined;
  }
  return v;
}
