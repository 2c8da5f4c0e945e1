/**
 * Turns a submitted config form into the API's PUT body, field by field from the manifest's
 * schema: numbers and JSON are parsed here (errors per field), an empty secret keeps the stored
 * one, "clear" removes it, an empty optional field falls back to its default.
 */
import type { ConfigFieldView } from "./types.ts";

/** The PUT body and the per-field problems found before calling the API. */
export interface ParsedConfig {
  values: Record<string, unknown>;
  problems: { field: string; message: string }[];
  /** What the operator typed (never secrets), to show the form again on errors. */
  echo: Record<string, string>;
}

/** Field name of the "clear this secret" checkbox. */
export function clearName(key: string): string {
  return `clear:${key}`;
}

/** Parses the submitted form against `schema`. */
export function parseConfigForm(
  schema: Record<string, ConfigFieldView>,
  form: Record<string, string | File | (string | File)[]>,
): ParsedConfig {
  const out: ParsedConfig = { values: {}, problems: [], echo: {} };
  const text = (key: string) => {
    const v = form[`cfg:${key}`];
    return typeof v === "string" ? v : "";
  };
  for (const [key, field] of Object.entries(schema)) {
    const raw = text(key);
    if (field.secret) {
      if (form[clearName(key)] === "on") out.values[key] = null;
      else if (raw !== "") out.values[key] = raw; // empty: omitted, the stored secret is kept
      continue;
    }
    out.echo[key] = raw;
    if (field.type === "boolean") {
      out.values[key] = raw === "on" || raw === "true";
      continue;
    }
    if (raw.trim() === "") {
      out.values[key] = null; // cleared: the default applies, or "required" is reported
      continue;
    }
    switch (field.type) {
      case "number":
      case "integer": {
        const n = Number(raw.trim());
        if (!Number.isFinite(n) || (field.type === "integer" && !Number.isInteger(n))) {
          out.problems.push({
            field: key,
            message: `must be ${field.type === "integer" ? "a whole number" : "a number"}`,
          });
        } else out.values[key] = n;
        break;
      }
      case "array":
      case "object": {
        try {
          out.values[key] = JSON.parse(raw);
        } catch (error) {
          out.problems.push({ field: key, message: `must be JSON (${(error as Error).message})` });
        }
        break;
      }
      default:
        out.values[key] = raw;
    }
  }
  return out;
}

/** The text to show in a (non-secret) field for a stored value. */
export function displayValue(field: ConfigFieldView, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.type === "array" || field.type === "object") return JSON.stringify(value, null, 2);
  return String(value);
}
