/**
 * Validation of the `config:` settings schema. Private to src/manifest.
 *
 * Two spellings are accepted and both normalize to one JSON Schema ({@link ConfigRootSchema}):
 * - JSON Schema: `config: { type: object, properties: {...}, required: [...] }`;
 * - the flat form of plugd 0.1: `config: { name: { type: string, required: true, min: 1 } }`,
 *   i.e. the root's `properties` written directly. Its `required: true` and `min`/`max` are
 *   accepted on any property and converted (`required` list, `minLength`/`minimum`/`minItems`).
 */
import {
  CONFIG_TYPES,
  type ConfigRootSchema,
  type ConfigSchema,
  type ConfigType,
  emptyConfigSchema,
  MAX_CONFIG_DEPTH,
  MAX_CONFIG_NODES,
} from "./config_schema.ts";
import { configProblems } from "./config_problems.ts";
import { at, checkKeys, isRecord, type Problems, typeName } from "./_fields.ts";
import { applyKeyword } from "./_config_keywords.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** Every key a schema node may carry (plus `$schema` on the root). */
export const NODE_KEYS = [
  "type",
  "title",
  "description",
  "secret",
  "pattern",
  "format",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "min",
  "max",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "properties",
  "required",
  "additionalProperties",
  // Checked last: their values must satisfy every other keyword.
  "enum",
  "default",
] as const;

interface Walk {
  p: Problems;
  nodes: number;
}

/** Validates `config:` (either spelling); returns the normalized schema. */
export function validateConfigSchema(v: unknown, p: Problems): ConfigRootSchema {
  if (v === undefined || v === null) return emptyConfigSchema();
  if (!isRecord(v)) {
    p.push({
      field: "config",
      message:
        `must be a JSON Schema like { type: object, properties: { channel: { type: string } } } ` +
        `(or a mapping of setting names to schemas); got ${typeName(v)}`,
    });
    return emptyConfigSchema();
  }
  const walk: Walk = { p, nodes: 0 };
  const jsonSchema = typeof v.type === "string";
  if (jsonSchema && v.type !== "object") {
    p.push({
      field: "config.type",
      message: `the root of a config schema must be an object; got ${v.type}`,
    });
    return emptyConfigSchema();
  }
  const { $schema: _ignored, ...rest } = v;
  const root = jsonSchema ? rest : { type: "object", properties: v };
  const node = validateNode(root, jsonSchema ? "config" : "", 1, walk, true);
  if (walk.nodes > MAX_CONFIG_NODES) {
    p.push({
      field: "config",
      message: `has ${walk.nodes} schema nodes; the limit is ${MAX_CONFIG_NODES}: simplify it`,
    });
  }
  if (!node || node.type !== "object") return emptyConfigSchema();
  return { ...node, type: "object", properties: node.properties ?? {} };
}

/** Converts a stored (already valid) schema of either spelling to the normalized one. */
export function normalizeStoredConfigSchema(v: unknown): ConfigRootSchema {
  const p: Problems = [];
  const schema = validateConfigSchema(v, p);
  return p.length === 0 ? schema : emptyConfigSchema();
}

function validateNode(
  v: unknown,
  path: string,
  depth: number,
  walk: Walk,
  root = false,
): ConfigSchema | undefined {
  const { p } = walk;
  walk.nodes++;
  // The flat form's root has no path of its own: its properties sit directly under `config`.
  const here = path || "config";
  if (!isRecord(v)) {
    p.push({ field: here, message: `must be a mapping like { type: string }; got ${typeName(v)}` });
    return undefined;
  }
  if (depth > MAX_CONFIG_DEPTH) {
    p.push({ field: here, message: `nests deeper than ${MAX_CONFIG_DEPTH} levels; flatten it` });
    return undefined;
  }
  const before = p.length;
  checkKeys(v, NODE_KEYS, here, p);
  const type = v.type as ConfigType;
  if (!(CONFIG_TYPES as readonly unknown[]).includes(type)) {
    p.push({
      field: at(here, "type"),
      message: `${v.type === undefined ? "is required" : `${typeName(v.type)} is not a type`}; ` +
        `use one of ${CONFIG_TYPES.join(", ")}`,
    });
    return undefined;
  }
  const node: ConfigSchema = { type };
  for (const key of NODE_KEYS) {
    if (v[key] === undefined || key === "type" || key === "default") continue;
    if (key === "properties" || key === "items" || key === "additionalProperties") continue;
    if (key === "required" && typeof v.required === "boolean") continue; // the parent's business
    applyKeyword(node, key, v[key], at(here, key), p);
  }
  if (type === "object") objectParts(v, node, path, depth, walk);
  else {
    for (const key of ["properties", "additionalProperties"] as const) {
      if (v[key] !== undefined) {
        p.push({ field: at(here, key), message: `applies to object settings, not ${type}` });
      }
    }
  }
  if (v.items !== undefined) {
    if (type !== "array") {
      p.push({ field: at(here, "items"), message: `applies to array settings, not ${type}` });
    } else {
      const items = validateNode(v.items, at(here, "items"), depth + 1, walk);
      if (items) node.items = items;
    }
  }
  if (p.length === before && v.default !== undefined) checkDefault(node, v.default, here, p);
  if (root && node.secret) {
    p.push({ field: at(here, "secret"), message: "the root cannot be secret" });
  }
  return p.length === before ? node : undefined;
}

function objectParts(
  v: Record<string, unknown>,
  node: ConfigSchema,
  path: string,
  depth: number,
  walk: Walk,
): void {
  const { p } = walk;
  const here = path || "config";
  const props = v.properties ?? {};
  if (!isRecord(props)) {
    p.push({
      field: at(here, "properties"),
      message: `must map setting names to schemas; got ${typeName(props)}`,
    });
    return;
  }
  node.properties = {};
  const required = new Set<string>(Array.isArray(node.required) ? node.required : []);
  for (const [name, child] of Object.entries(props)) {
    const childPath = path ? at(at(path, "properties"), name) : at("config", name);
    if (!NAME.test(name)) {
      p.push({
        field: childPath,
        message: `${JSON.stringify(name)} is not a valid setting name; use letters, digits, ` +
          `'_' and '-' (starting with a letter or '_'), like webhook_url`,
      });
      continue;
    }
    const built = validateNode(child, childPath, depth + 1, walk);
    if (!built) continue;
    node.properties[name] = built;
    const legacy = (child as Record<string, unknown>).required;
    if (legacy === true) required.add(name);
    else if (legacy !== undefined && legacy !== false && !Array.isArray(legacy)) {
      p.push({
        field: at(childPath, "required"),
        message: `must be true or false; got ${typeName(legacy)}`,
      });
    }
  }
  for (const name of required) {
    if (!Object.hasOwn(props, name)) {
      p.push({
        field: at(here, "required"),
        message: `names ${JSON.stringify(name)}, which is not among its properties`,
      });
    }
  }
  if (required.size > 0) node.required = [...required];
  else delete node.required;
  const extra = v.additionalProperties;
  if (extra === undefined || typeof extra === "boolean") {
    // Declared properties close the object (a typo is an error, not a silent no-op); an object
    // without properties stays free-form, as plugd 0.1's `type: object` was.
    node.additionalProperties = extra ?? v.properties === undefined;
  } else {
    const built = validateNode(extra, at(here, "additionalProperties"), depth + 1, walk);
    if (built) node.additionalProperties = built;
  }
}

function checkDefault(node: ConfigSchema, value: unknown, here: string, p: Problems): void {
  if (node.secret) {
    p.push({
      field: at(here, "default"),
      message:
        "a secret cannot have a default (the manifest is public); set it with plugd plugin config",
    });
    return;
  }
  const problems = configProblems(node, value);
  if (problems.length === 0) {
    node.default = value;
    return;
  }
  const first = problems[0]!;
  p.push({
    field: at(here, "default"),
    message: `${
      first.field ? `${first.field} ` : ""
    }${first.message}; fix the default or the rules`,
  });
}
