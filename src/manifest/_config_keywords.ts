/** The scalar keywords of a config schema node: which types they apply to and their values. Private to src/manifest. */
import { CONFIG_FORMATS, type ConfigSchema, type ConfigType } from "./config_schema.ts";
import { compileConfigPattern, MAX_CONFIG_PATTERN_LENGTH } from "./config_value.ts";
import { configProblems } from "./config_problems.ts";
import { at, type Problems, typeName } from "./_fields.ts";

const NUMERIC: ConfigType[] = ["number", "integer"];
/** Keyword → the types it applies to (absent: any type). */
const APPLIES: Record<string, ConfigType[]> = {
  secret: ["string"],
  pattern: ["string"],
  format: ["string"],
  minLength: ["string"],
  maxLength: ["string"],
  minimum: NUMERIC,
  maximum: NUMERIC,
  exclusiveMinimum: NUMERIC,
  exclusiveMaximum: NUMERIC,
  multipleOf: NUMERIC,
  minItems: ["array"],
  maxItems: ["array"],
  uniqueItems: ["array"],
  required: ["object"],
  enum: ["string", "number", "integer"],
  min: ["string", "number", "integer", "array"],
  max: ["string", "number", "integer", "array"],
};
/** plugd 0.1's `min`/`max` → the JSON Schema keyword for each type. */
const LEGACY_BOUND: Record<string, { min: keyof ConfigSchema; max: keyof ConfigSchema }> = {
  string: { min: "minLength", max: "maxLength" },
  array: { min: "minItems", max: "maxItems" },
  number: { min: "minimum", max: "maximum" },
  integer: { min: "minimum", max: "maximum" },
};
const COUNTS = new Set(["minLength", "maxLength", "minItems", "maxItems"]);

/** Validates one keyword of `node` (whose `type` is set) and stores it on success. */
export function applyKeyword(
  node: ConfigSchema,
  key: string,
  value: unknown,
  path: string,
  p: Problems,
): void {
  const bad = (message: string) => p.push({ field: path, message });
  const types = APPLIES[key];
  if (types && !types.includes(node.type)) {
    bad(`applies to ${types.join(", ")} settings, not ${node.type}`);
    return;
  }
  const set = node as unknown as Record<string, unknown>;
  switch (key) {
    case "title":
    case "description":
      if (typeof value !== "string" || value.length > 1000) {
        bad(`must be text of at most 1000 characters; got ${typeName(value)}`);
      } else set[key] = value;
      return;
    case "secret":
    case "uniqueItems":
      if (typeof value !== "boolean") bad(`must be true or false; got ${typeName(value)}`);
      else if (value) set[key] = true;
      return;
    case "pattern":
      if (typeof value !== "string") {
        bad(`must be a string (a regular expression); got ${typeName(value)}`);
      } else if (value.length > MAX_CONFIG_PATTERN_LENGTH) {
        bad(`is longer than ${MAX_CONFIG_PATTERN_LENGTH} characters; simplify it`);
      } else {
        try {
          compileConfigPattern(value);
          node.pattern = value;
        } catch (e) {
          bad(
            `does not compile as a JavaScript RegExp (${(e as Error).message}); fix the expression`,
          );
        }
      }
      return;
    case "format":
      if (!(CONFIG_FORMATS as readonly unknown[]).includes(value)) {
        bad(
          `${typeName(value)} is not a supported format; use one of ${CONFIG_FORMATS.join(", ")}`,
        );
      } else node.format = value as ConfigSchema["format"];
      return;
    case "required":
      if (!Array.isArray(value) || value.some((n) => typeof n !== "string")) {
        bad(`must list property names like [webhook_url]; got ${typeName(value)}`);
      } else node.required = [...new Set(value as string[])];
      return;
    case "enum":
      return applyEnum(node, value, path, p);
    case "min":
    case "max":
      return applyKeyword(node, LEGACY_BOUND[node.type]![key], value, path, p);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    bad(`must be a number; got ${typeName(value)}`);
  } else if (COUNTS.has(key) && (!Number.isInteger(value) || value < 0)) {
    bad(
      `counts ${
        key.endsWith("Length") ? "characters" : "items"
      }: use a whole number of at least 0; got ${value}`,
    );
  } else if (key === "multipleOf" && value <= 0) {
    bad(`must be greater than 0; got ${value}`);
  } else if (node.type === "integer" && key !== "multipleOf" && !Number.isInteger(value)) {
    bad(`must be a whole number for an integer setting; got ${value}`);
  } else {
    set[key] = value;
    checkOrder(node, path, p);
  }
}

function checkOrder(node: ConfigSchema, path: string, p: Problems): void {
  for (
    const [lo, hi] of [["minLength", "maxLength"], ["minItems", "maxItems"], ["minimum", "maximum"]]
  ) {
    const a = (node as unknown as Record<string, unknown>)[lo!];
    const b = (node as unknown as Record<string, unknown>)[hi!];
    if (typeof a === "number" && typeof b === "number" && a > b) {
      p.push({ field: path, message: `${lo} ${a} is greater than ${hi} ${b}; swap them` });
    }
  }
}

function applyEnum(node: ConfigSchema, value: unknown, path: string, p: Problems): void {
  if (!Array.isArray(value) || value.length === 0) {
    p.push({
      field: path,
      message: `must be a non-empty list of allowed values like [info, warning]; got ${
        typeName(value)
      }`,
    });
    return;
  }
  const plain = { ...node, enum: undefined };
  const before = p.length;
  value.forEach((x, i) => {
    const problem = configProblems(plain, x)[0];
    if (problem) p.push({ field: at(path, i), message: problem.message });
    else if (value.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) !== i) {
      p.push({ field: at(path, i), message: `${JSON.stringify(x)} is listed twice; remove it` });
    }
  });
  if (p.length === before) node.enum = value;
}
