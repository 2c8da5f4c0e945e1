/** Validating a plugin's config values against its manifest `config:` schema (SPEC §6). */
import { type ConfigField, configValueProblem } from "../manifest/mod.ts";
import { REDACTED } from "../secrets/mod.ts";

/** One problem with a config value; `field` is the setting's name. */
export interface ConfigValueProblem {
  field: string;
  message: string;
}

/** Outcome of {@linkcode validateConfigValues}. */
export interface ConfigValidation {
  /** The values to store (plaintext; seal secrets before storing), defaults applied. */
  values: Record<string, unknown>;
  /** Every problem found, not only the first; empty when valid. */
  problems: ConfigValueProblem[];
}

/**
 * Checks `values` (the whole desired config, as a PUT body) against `schema`: types, `enum`,
 * `pattern`, `min`/`max` (string length, number range, array items), required fields and
 * unknown keys; applies defaults.
 *
 * Rules for keeping settings an operator cannot see:
 * - a secret given as `"********"` (what GET shows) or omitted keeps its `previous` value;
 * - `null` clears a setting (then its default applies, or `required` complains).
 *
 * @example
 * ```ts
 * const { values, problems } = validateConfigValues(manifest.config, body, previousPlain);
 * if (problems.length) throw new ConfigError("Invalid config", { problems });
 * ```
 */
export function validateConfigValues(
  schema: Record<string, ConfigField>,
  values: unknown,
  previous: Record<string, unknown> = {},
): ConfigValidation {
  const problems: ConfigValueProblem[] = [];
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    problems.push({
      field: "",
      message: `config must be a JSON object of settings like {"channel": "#ops"}; got ${
        Array.isArray(values) ? "an array" : values === null ? "null" : typeof values
      }`,
    });
    return { values: {}, problems };
  }
  const given = values as Record<string, unknown>;
  const known = Object.keys(schema);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(schema, name)) {
      problems.push({
        field: name,
        message: `is not a setting of this plugin; known settings: ${known.join(", ") || "none"}`,
      });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    let value = given[name];
    if (field.secret && (value === REDACTED || value === undefined)) value = previous[name];
    if (value === null || value === undefined) {
      if (field.default !== undefined) out[name] = structuredClone(field.default);
      else if (field.required) {
        problems.push({
          field: name,
          message: `is required (${field.type}${
            field.description ? `: ${field.description}` : ""
          })`,
        });
      }
      continue;
    }
    const problem = configValueProblem(field, value);
    if (problem) problems.push({ field: name, message: problem });
    else out[name] = value;
  }
  return { values: out, problems };
}

/**
 * Turns command-line text (`plugd plugin config <id> key=value`) into a value of the field's
 * type: numbers, `true`/`false`, JSON for arrays and objects; strings stay as they are.
 * Returns the text unchanged when it does not parse, so validation reports the type problem.
 */
export function parseConfigText(field: ConfigField, text: string): unknown {
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
