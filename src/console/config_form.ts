/**
 * Turns a submitted config form into the API's PUT body, walking the manifest's JSON Schema:
 * objects with declared properties become nested groups of fields; numbers and JSON are parsed
 * here (errors per field, named by JSON pointer); an empty secret keeps the stored one, "clear"
 * removes it; an empty optional field falls back to its default. Arrays and free-form objects
 * are edited as JSON (secrets inside show as "********", which keeps them).
 */
import { type ConfigRootSchema, type ConfigSchema, toPointer } from "../manifest/mod.ts";

/** The PUT body and the per-field problems found before calling the API. */
export interface ParsedConfig {
  values: Record<string, unknown>;
  problems: { field: string; message: string }[];
  /** What the operator typed (never secrets), by JSON pointer, to show the form again. */
  echo: Record<string, string>;
}

/** Form name of a setting's input. */
export function inputName(path: readonly string[]): string {
  return `cfg:${toPointer(path)}`;
}

/** Form name of the "clear this secret" checkbox. */
export function clearName(path: readonly string[]): string {
  return `clear:${toPointer(path)}`;
}

/** Element id of a setting's input (`cfg-retries`, `cfg-github--token`). */
export function fieldId(path: readonly string[]): string {
  return `cfg-${path.join("--")}`;
}

/** Whether a node is shown as a group of fields (an object with declared properties). */
export function isGroup(node: ConfigSchema): boolean {
  return node.type === "object" && Object.keys(node.properties ?? {}).length > 0;
}

function hasSecret(node: ConfigSchema): boolean {
  return node.secret === true || Object.values(node.properties ?? {}).some(hasSecret);
}

/** Parses the submitted form against `schema`. */
export function parseConfigForm(
  schema: ConfigRootSchema,
  form: Record<string, string | File | (string | File)[]>,
): ParsedConfig {
  const out: ParsedConfig = { values: {}, problems: [], echo: {} };
  parseGroup(schema, [], out.values, form, out);
  return out;
}

function parseGroup(
  node: ConfigSchema,
  path: string[],
  target: Record<string, unknown>,
  form: Record<string, string | File | (string | File)[]>,
  out: ParsedConfig,
): void {
  for (const [key, field] of Object.entries(node.properties ?? {})) {
    const at = [...path, key];
    if (isGroup(field)) {
      const child: Record<string, unknown> = {};
      parseGroup(field, at, child, form, out);
      const given = Object.values(child).some((v) => v !== null);
      // An untouched optional group is left out, unless it holds secrets: sending it (even empty)
      // keeps the stored ones.
      target[key] = given || hasSecret(field) || node.required?.includes(key) ? child : null;
      continue;
    }
    const v = form[inputName(at)];
    const raw = typeof v === "string" ? v : "";
    const pointer = toPointer(at);
    if (field.secret) {
      if (form[clearName(at)] === "on") target[key] = null;
      else if (raw !== "") target[key] = raw; // empty: omitted, the stored secret is kept
      continue;
    }
    out.echo[pointer] = raw;
    if (field.type === "boolean") {
      target[key] = raw === "on" || raw === "true";
      continue;
    }
    if (raw.trim() === "") {
      target[key] = null; // cleared: the default applies, or "required" is reported
      continue;
    }
    switch (field.type) {
      case "number":
      case "integer": {
        const n = Number(raw.trim());
        if (!Number.isFinite(n) || (field.type === "integer" && !Number.isInteger(n))) {
          out.problems.push({
            field: pointer,
            message: `must be ${field.type === "integer" ? "a whole number" : "a number"}`,
          });
        } else target[key] = n;
        break;
      }
      case "array":
      case "object": {
        try {
          target[key] = JSON.parse(raw);
        } catch (error) {
          out.problems.push({
            field: pointer,
            message: `must be JSON (${(error as Error).message})`,
          });
        }
        break;
      }
      default:
        target[key] = raw;
    }
  }
}

/** The text to show in a (non-secret) field for a stored value. */
export function displayValue(field: ConfigSchema, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.type === "array" || field.type === "object") return JSON.stringify(value, null, 2);
  return String(value);
}

/** The value at `path` of stored (redacted) values. */
export function valueAt(values: unknown, path: readonly string[]): unknown {
  let v = values;
  for (const s of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}
