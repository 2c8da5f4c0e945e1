/**
 * The `config:` settings schema: the JSON Schema (draft 2020-12) subset plugd supports, plus
 * plugd's own `secret: true`. A manifest's schema is always normalized to this shape: the root is
 * an `object`, every node names one `type`, and objects are closed (`additionalProperties: false`)
 * unless the author said otherwise.
 */

/** The value types a schema node may name. */
export const CONFIG_TYPES = ["string", "number", "integer", "boolean", "array", "object"] as const;

/** One value type. */
export type ConfigType = typeof CONFIG_TYPES[number];

/** The `format` names plugd checks (those the validator asserts). */
export const CONFIG_FORMATS = [
  "date",
  "time",
  "date-time",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "uri-template",
  "url",
  "uuid",
  "regex",
  "json-pointer",
  "relative-json-pointer",
] as const;

/** One node of a normalized config schema. */
export interface ConfigSchema {
  type: ConfigType;
  title?: string;
  description?: string;
  default?: unknown;
  /** Allowed values (strings, numbers, integers). */
  enum?: unknown[];
  /** plugd: the value is sealed at rest and never shown (strings only). */
  secret?: boolean;
  /** Strings: a JavaScript RegExp (`u` flag), unanchored unless it anchors itself. */
  pattern?: string;
  format?: typeof CONFIG_FORMATS[number];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: ConfigSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, ConfigSchema>;
  required?: string[];
  additionalProperties?: boolean | ConfigSchema;
}

/** The root of a config schema: always an object. */
export type ConfigRootSchema = ConfigSchema & {
  type: "object";
  properties: Record<string, ConfigSchema>;
};

/** An empty config schema (a plugin without settings). */
export function emptyConfigSchema(): ConfigRootSchema {
  return { type: "object", properties: {}, additionalProperties: false };
}

/** Deepest nesting of a config schema (the root is depth 1). */
export const MAX_CONFIG_DEPTH = 8;
/** Most schema nodes in one config schema. */
export const MAX_CONFIG_NODES = 500;

/**
 * The node describing the value at `path` (segments of a JSON pointer), or undefined when the
 * schema has none (an unknown key). Array indices follow `items`.
 *
 * @example
 * ```ts
 * configSchemaAt(schema, ["channels", "2", "url"]); // the `url` node of channels' items
 * ```
 */
export function configSchemaAt(
  schema: ConfigSchema,
  path: readonly string[],
): ConfigSchema | undefined {
  let node: ConfigSchema | undefined = schema;
  for (const segment of path) {
    if (!node) return undefined;
    if (node.type === "array") node = node.items;
    else if (node.type === "object") {
      node = node.properties && Object.hasOwn(node.properties, segment)
        ? node.properties[segment]
        : typeof node.additionalProperties === "object"
        ? node.additionalProperties
        : undefined;
    } else return undefined;
  }
  return node;
}

/** Encodes path segments as a JSON pointer (`/channels/2/url`; `""` for the root). */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/** Decodes a JSON pointer into its segments. Throws `SyntaxError` when it does not start with `/`. */
export function fromPointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new SyntaxError(`"${pointer}" is not a JSON pointer`);
  return pointer.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}
