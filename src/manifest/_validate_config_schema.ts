/** Validation of the `config:` settings schema. Private to src/manifest. */
import type { ConfigField } from "./types.ts";
import {
  compileConfigPattern,
  configValueProblem,
  MAX_CONFIG_PATTERN_LENGTH,
} from "./config_value.ts";
import { at, checkKeys, isRecord, type Problems, stringField, typeName } from "./_fields.ts";

const NAME = /^[a-z_][a-z0-9_]*$/;
const TYPES = ["string", "number", "integer", "boolean", "array", "object"] as const;
const KEYS = [
  "type",
  "required",
  "secret",
  "default",
  "enum",
  "pattern",
  "min",
  "max",
  "description",
];
const MAX_FIELDS = 100;

/** Validates `config:`; returns the valid fields. */
export function validateConfigSchema(v: unknown, p: Problems): Record<string, ConfigField> {
  const out: Record<string, ConfigField> = {};
  if (v === undefined || v === null) return out;
  if (!isRecord(v)) {
    p.push({
      field: "config",
      message:
        `must be a mapping of field names to schemas like { channel: { type: string } }; got ${
          typeName(v)
        }`,
    });
    return out;
  }
  const names = Object.keys(v);
  if (names.length > MAX_FIELDS) {
    p.push({ field: "config", message: `has ${names.length} fields; the limit is ${MAX_FIELDS}` });
  }
  for (const name of names) {
    const path = at("config", name);
    if (!NAME.test(name) || name.length > 64) {
      p.push({
        field: path,
        message: `${
          JSON.stringify(name)
        } is not a valid field name; use lowercase letters, digits and '_', like webhook_url`,
      });
      continue;
    }
    const field = validateField(v[name], path, p);
    if (field) out[name] = field;
  }
  return out;
}

function validateField(v: unknown, path: string, p: Problems): ConfigField | undefined {
  if (!isRecord(v)) {
    p.push({
      field: path,
      message: `must be a mapping like { type: string, default: "x" }; got ${typeName(v)}`,
    });
    return undefined;
  }
  const before = p.length;
  const bad = (key: string, message: string) => p.push({ field: at(path, key), message });
  checkKeys(v, KEYS, path, p);
  const type = v.type as ConfigField["type"];
  if (!(TYPES as readonly unknown[]).includes(type)) {
    bad(
      "type",
      `${v.type === undefined ? "is required" : `${typeName(v.type)} is not a type`}; use one of ${
        TYPES.join(", ")
      }`,
    );
    return undefined;
  }
  const field: ConfigField = { type };
  for (const key of ["required", "secret"] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== "boolean") bad(key, `must be true or false; got ${typeName(v[key])}`);
    else field[key] = v[key];
  }
  if (field.secret && type !== "string") {
    bad("secret", `only string fields can be secret; this one is ${type}`);
  }
  if (v.description !== undefined) {
    const d = stringField(v, "description", p, {
      required: false,
      example: "What it sets",
      maxLength: 1000,
      path,
    });
    if (d !== undefined) field.description = d;
  }
  if (v.pattern !== undefined) {
    if (type !== "string") {
      bad("pattern", `only string fields can have a pattern; this one is ${type}`);
    } else if (typeof v.pattern !== "string") {
      bad("pattern", `must be a string (a regular expression); got ${typeName(v.pattern)}`);
    } else if (v.pattern.length > MAX_CONFIG_PATTERN_LENGTH) {
      bad("pattern", `is longer than ${MAX_CONFIG_PATTERN_LENGTH} characters; simplify it`);
    } else {
      try {
        compileConfigPattern(v.pattern);
        field.pattern = v.pattern;
      } catch (e) {
        bad(
          "pattern",
          `does not compile as a JavaScript RegExp (${(e as Error).message}); fix the expression`,
        );
      }
    }
  }
  validateBounds(v, type, field, bad);
  if (v.enum !== undefined) {
    if (!Array.isArray(v.enum) || v.enum.length === 0) {
      bad(
        "enum",
        `must be a non-empty list of allowed values like [info, warning]; got ${typeName(v.enum)}`,
      );
    } else if (!["string", "number", "integer"].includes(type)) {
      bad("enum", `only string, number and integer fields can have an enum; this one is ${type}`);
    } else {
      const e = { ...field, enum: undefined };
      v.enum.forEach((x, i) => {
        const problem = configValueProblem(e, x);
        if (problem) p.push({ field: at(at(path, "enum"), i), message: problem });
        else if (v.enum && (v.enum as unknown[]).indexOf(x) !== i) {
          p.push({
            field: at(at(path, "enum"), i),
            message: `${JSON.stringify(x)} is listed twice; remove it`,
          });
        }
      });
      field.enum = v.enum;
    }
  }
  if (v.default !== undefined) {
    if (field.secret) {
      bad(
        "default",
        "a secret cannot have a default (the manifest is public); set it with plugd plugin config",
      );
    }
    const problem = configValueProblem(field, v.default);
    if (problem) bad("default", `${problem}; fix the default or the field's rules`);
    else field.default = v.default;
  }
  return p.length === before ? field : undefined;
}

function validateBounds(
  v: Record<string, unknown>,
  type: ConfigField["type"],
  field: ConfigField,
  bad: (key: string, message: string) => void,
): void {
  for (const key of ["min", "max"] as const) {
    const x = v[key];
    if (x === undefined) continue;
    if (type === "boolean" || type === "object") {
      bad(key, `applies to string (length), number, integer and array (items) fields, not ${type}`);
    } else if (typeof x !== "number" || !Number.isFinite(x)) {
      bad(key, `must be a number; got ${typeName(x)}`);
    } else if ((type === "string" || type === "array") && (!Number.isInteger(x) || x < 0)) {
      bad(
        key,
        `bounds the ${
          type === "string" ? "length" : "item count"
        }: use a whole number of at least 0; got ${x}`,
      );
    } else if (type === "integer" && !Number.isInteger(x)) {
      bad(key, `must be a whole number for an integer field; got ${x}`);
    } else {
      field[key] = x;
    }
  }
  if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
    bad("min", `${field.min} is greater than max ${field.max}; swap them`);
  }
}
