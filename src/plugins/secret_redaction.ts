/** What execution previews of a plugin hide: its secret settings, by name and by value. */
import { type Redaction, redactionOf } from "../executions/mod.ts";
import { redactConfig, REDACTED, type SecretSchema } from "../secrets/mod.ts";

/**
 * The redaction of a plugin's config: the name of every secret setting the schema declares (at
 * any depth, set or not) and the plain value of each one set, found by comparing the values with
 * their redacted form.
 *
 * @example
 * ```ts
 * secretRedaction(schema, { token: "abc123", name: "x" }).values; // ["abc123"]
 * ```
 */
export function secretRedaction(schema: SecretSchema, values: Record<string, unknown>): Redaction {
  const paths: string[] = [];
  const secrets: unknown[] = [];
  const walk = (plain: unknown, shown: unknown, path: string[]): void => {
    if (shown === REDACTED && plain !== REDACTED) {
      paths.push(path.join("/"));
      secrets.push(plain);
    } else if (typeof plain === "object" && plain !== null && typeof shown === "object" && shown) {
      for (const [k, v] of Object.entries(plain)) {
        walk(v, (shown as Record<string, unknown>)[k], [...path, k]);
      }
    }
  };
  walk(values, redactConfig(schema, values), []);
  return redactionOf([...paths, ...schemaSecrets(schema)], secrets);
}

/** Paths of every node the schema marks `secret`. */
function schemaSecrets(schema: SecretSchema, path: string[] = [], depth = 0): string[] {
  if (schema.secret) return [path.join("/")];
  if (depth > 32) return [];
  const out: string[] = [];
  for (const [k, child] of Object.entries(schema.properties ?? {})) {
    out.push(...schemaSecrets(child, [...path, k], depth + 1));
  }
  if (typeof schema.additionalProperties === "object") {
    out.push(...schemaSecrets(schema.additionalProperties, [...path, "*"], depth + 1));
  }
  if (schema.items) out.push(...schemaSecrets(schema.items, [...path, "0"], depth + 1));
  return out;
}
