import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.ts";
import { SETTINGS } from "./settings.ts";

/** A parsed `plugd.yaml`: its absolute path and its values by dotted key. */
export interface ConfigFile {
  path: string;
  values: Map<string, unknown>;
}

/**
 * Reads a `plugd.yaml`. Unknown keys (a typo would otherwise be ignored silently) are refused
 * with the list of keys the file may hold.
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(
      `Cannot read the config file ${path} (from --config or PLUGD_CONFIG): ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
  return parseConfigText(path, text);
}

/** Parses the text of a `plugd.yaml` read from `path` (sync: the CLI uses it too). */
export function parseConfigText(path: string, text: string): ConfigFile {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 50 }) ?? {};
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(`Config file ${path} must be a YAML mapping of settings`);
  }
  const values = new Map<string, unknown>();
  flatten(data as Record<string, unknown>, "", values);
  const known = SETTINGS.map((s) => s.key);
  for (const key of values.keys()) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `Unknown key "${key}" in ${path}; allowed keys: ${
          known.join(", ")
        } (docs/configuration.md)`,
      );
    }
  }
  return { path, values };
}

/** `{webhooks: {allow_private: true}}` → `webhooks.allow_private`; only known sections nest. */
function flatten(data: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  const sections = new Set(
    SETTINGS.filter((s) => s.key.includes(".")).map((s) => s.key.split(".")[0]),
  );
  for (const [key, value] of Object.entries(data)) {
    const dotted = prefix + key;
    const nests = prefix === "" && sections.has(key);
    if (nests && value !== null && typeof value === "object" && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, `${dotted}.`, out);
    } else out.set(dotted, value);
  }
}
