/**
 * Checking config values against a config schema with a JSON Schema validator
 * (`@cfworker/json-schema`, draft 2020-12), reported as plugd problems whose `field` is the JSON
 * pointer of the value (`/channels/2/url`).
 */
import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";
import { type ConfigSchema, fromPointer, toPointer } from "./config_schema.ts";

/** One problem with a config value. */
export interface ConfigProblem {
  /** JSON pointer of the value (`""` is the whole config). */
  field: string;
  message: string;
}

// Keywords that only say "something below failed"; the leaf errors carry the detail.
const AGGREGATE = new Set(["properties", "items", "false", "allOf", "anyOf", "oneOf", "$ref"]);
const validators = new WeakMap<ConfigSchema, Validator>();

function validatorFor(schema: ConfigSchema): Validator {
  let v = validators.get(schema);
  if (!v) {
    v = new Validator(schema as Schema, "2020-12", false);
    validators.set(schema, v);
  }
  return v;
}

/**
 * Every problem of `value` against `schema`, deduplicated, in document order; `[]` when valid.
 *
 * @example
 * ```ts
 * configProblems({ type: "object", properties: { n: { type: "integer", minimum: 1 } } }, { n: 0 });
 * // [{ field: "/n", message: "must be at least 1; got 0" }]
 * ```
 */
export function configProblems(schema: ConfigSchema, value: unknown): ConfigProblem[] {
  const result = validatorFor(schema).validate(value);
  if (result.valid) return [];
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    const key = `${field}\n${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, message });
    }
  };
  for (const unit of result.errors) {
    if (AGGREGATE.has(unit.keyword)) continue;
    const path = fromPointer(unit.instanceLocation.replace(/^#/, ""));
    const node = nodeAt(schema, unit);
    const at = valueAt(value, path);
    if (unit.keyword === "required") {
      for (const name of node?.required ?? []) {
        if (isRecord(at) && !Object.hasOwn(at, name)) {
          const child = node?.properties?.[name];
          add(
            toPointer([...path, name]),
            `is required (${child?.type ?? "a value"}${
              child?.description ? `: ${child.description}` : ""
            })`,
          );
        }
      }
    } else if (unit.keyword === "additionalProperties") {
      if (node?.additionalProperties !== false || !isRecord(at)) continue;
      const known = Object.keys(node.properties ?? {});
      for (const name of Object.keys(at)) {
        if (known.includes(name)) continue;
        add(
          toPointer([...path, name]),
          `is not a setting ${path.length ? "here" : "of this plugin"}; known settings: ${
            known.join(", ") || "none"
          }`,
        );
      }
    } else {
      add(toPointer(path), describe(unit.keyword, node, at, unit));
    }
  }
  return out;
}

function describe(
  keyword: string,
  node: ConfigSchema | undefined,
  v: unknown,
  unit: OutputUnit,
): string {
  const got = JSON.stringify(v) ?? String(v);
  const size = typeof v === "string" ? [...v].length : Array.isArray(v) ? v.length : 0;
  const unit_ = typeof v === "string" ? "characters" : "items";
  switch (keyword) {
    case "type": {
      const t = node?.type ?? "value";
      const article = t === "array" || t === "integer" || t === "object" ? "an" : "a";
      return `must be ${article} ${t}; got ${got}`;
    }
    case "enum":
      return `must be one of ${(node?.enum ?? []).map((e) => JSON.stringify(e)).join(", ")}; ` +
        `got ${got}`;
    case "pattern":
      return `${got} does not match the pattern ${node?.pattern}`;
    case "format":
      return `${got} is not a valid ${node?.format}`;
    case "minLength":
      return `must be at least ${node?.minLength} characters; got ${size} ${unit_}`;
    case "maxLength":
      return `must be at most ${node?.maxLength} characters; got ${size} ${unit_}`;
    case "minItems":
      return `must have at least ${node?.minItems} items; got ${size}`;
    case "maxItems":
      return `must have at most ${node?.maxItems} items; got ${size}`;
    case "uniqueItems":
      return "must not list the same item twice";
    case "minimum":
      return `must be at least ${node?.minimum}; got ${got}`;
    case "maximum":
      return `must be at most ${node?.maximum}; got ${got}`;
    case "exclusiveMinimum":
      return `must be greater than ${node?.exclusiveMinimum}; got ${got}`;
    case "exclusiveMaximum":
      return `must be less than ${node?.exclusiveMaximum}; got ${got}`;
    case "multipleOf":
      return `must be a multiple of ${node?.multipleOf}; got ${got}`;
    default:
      return unit.error;
  }
}

/** The schema node that holds the failed keyword. */
function nodeAt(schema: ConfigSchema, unit: OutputUnit): ConfigSchema | undefined {
  const segments = fromPointer(unit.keywordLocation.replace(/^#/, "")).slice(0, -1);
  let node: unknown = schema;
  for (const s of segments) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[s];
  }
  return typeof node === "object" && node !== null ? node as ConfigSchema : undefined;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const s of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A copy of `value` with the schema's defaults filled in where a setting is absent: at any depth,
 * inside array items too. An absent object is created only when something inside it has a
 * default.
 *
 * @example
 * ```ts
 * withConfigDefaults(schema, {}); // { channel: "#deployments", gates: { require_build: true } }
 * ```
 */
export function withConfigDefaults(schema: ConfigSchema, value: unknown): unknown {
  if (schema.type === "array" && Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.map((v) => withConfigDefaults(items, v));
  }
  if (schema.type !== "object" || !isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (Object.hasOwn(out, name)) out[name] = withConfigDefaults(child, out[name]);
    else if (child.default !== undefined) out[name] = structuredClone(child.default);
    else if (child.type === "object") {
      const filled = withConfigDefaults(child, {}) as Record<string, unknown>;
      if (Object.keys(filled).length > 0) out[name] = filled;
    }
  }
  return out;
}
