/** Validating a plugin's config values against its manifest `config:` schema (SPEC §6). */
import {
  type ConfigProblem,
  configProblems,
  type ConfigSchema,
  withConfigDefaults,
} from "../manifest/mod.ts";
import { REDACTED } from "../secrets/mod.ts";

/** One problem with a config value; `field` is the JSON pointer of the value (`/github/token`). */
export type ConfigValueProblem = ConfigProblem;

/** Outcome of {@linkcode validateConfigValues}. */
export interface ConfigValidation {
  /** The values to store (plaintext; seal secrets before storing), defaults applied. */
  values: Record<string, unknown>;
  /** Every problem found, not only the first; empty when valid. */
  problems: ConfigValueProblem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Resolves what the operator sent against what is stored, at any depth: a secret given as
 * `"********"` (what GET shows) or omitted from an object that was sent keeps its `previous`
 * value at the same path; `null` removes a setting (then its default applies, or `required`
 * complains).
 */
function merge(schema: ConfigSchema | undefined, given: unknown, previous: unknown): unknown {
  if (Array.isArray(given)) {
    const items = schema?.type === "array" ? schema.items : undefined;
    const prev = Array.isArray(previous) ? previous : [];
    return given.map((v, i) => merge(items, v, prev[i]));
  }
  if (!isRecord(given) || schema?.type !== "object") return given;
  const prev = isRecord(previous) ? previous : {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    const child = schema.properties?.[name];
    if (value === null) continue;
    if (child?.secret && value === REDACTED) {
      if (prev[name] !== undefined) out[name] = prev[name];
      continue;
    }
    out[name] = merge(child, value, prev[name]);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (child.secret && !Object.hasOwn(given, name) && prev[name] !== undefined) {
      out[name] = prev[name];
    }
  }
  return out;
}

/**
 * Checks `values` (the whole desired config, as a PUT body) against `schema` with a JSON Schema
 * validator: types, `enum`, `pattern`, `format`, bounds, `required` and unknown keys at any
 * depth, each problem named by its JSON pointer; applies defaults. Secrets sent as `"********"`
 * or left out keep their `previous` value; `null` clears a setting.
 *
 * @example
 * ```ts
 * const { values, problems } = validateConfigValues(manifest.config, body, previousPlain);
 * if (problems.length) throw new ConfigValidationError(manifest.id, problems);
 * ```
 */
export function validateConfigValues(
  schema: ConfigSchema,
  values: unknown,
  previous: Record<string, unknown> = {},
): ConfigValidation {
  if (!isRecord(values)) {
    return {
      values: {},
      problems: [{
        field: "",
        message: `config must be a JSON object of settings like {"channel": "#ops"}; got ${
          Array.isArray(values) ? "an array" : values === null ? "null" : typeof values
        }`,
      }],
    };
  }
  const merged = withConfigDefaults(schema, merge(schema, values, previous)) as Record<
    string,
    unknown
  >;
  return { values: merged, problems: configProblems(schema, merged) };
}

/**
 * Turns command-line text (`plugd plugin config <id> key=value`) into a value of the field's
 * type: numbers, `true`/`false`, JSON for arrays and objects; strings stay as they are.
 * Returns the text unchanged when it does not parse, so validation reports the type problem.
 */
export function parseConfigText(field: ConfigSchema, text: string): unknown {
  switch (field.type) {
    case "number":
    case "integer":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "array":
    case "object":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}
