/**
 * Parsers of single settings for `loadConfig`: each error names the setting and where its value
 * came from.
 *
 * @module
 */
import { join } from "node:path";
import { type EmitRate, parseEmitRate } from "./emit_rate.ts";
import { ConfigError } from "./errors.ts";
import type { ConfigFile } from "./read_config_file.ts";
import { describeOrigin, type Origin } from "./settings.ts";

/** A default taken from a systemd directory variable, recorded as such; undefined without it. */
export function defaulted(
  origins: Record<string, Origin>,
  key: string,
  dir: string | undefined,
  variable: string,
  name?: string,
): string | undefined {
  if (!dir) return undefined;
  origins[key] = { kind: "default", key, why: `${variable} set by systemd` };
  const first = dir.split(":")[0]!; // systemd joins several directories with ":"
  return name ? join(first, name) : first;
}

/** A list setting: comma-separated in the environment, a YAML list in the file. */
export function listSetting(
  env: Record<string, string | undefined>,
  file: ConfigFile | null,
  origins: Record<string, Origin>,
  key: string,
  envName: string,
): string[] {
  if (env[envName] !== undefined) {
    origins[key] = { kind: "env", name: envName };
    return env[envName]!.split(",").map((s) => s.trim()).filter(Boolean);
  }
  const value = file?.values.get(key);
  if (value === undefined || value === null) return [];
  origins[key] = { kind: "file", key, path: file!.path };
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ConfigError(`${describeOrigin(origins[key]!)} must be a list of strings`);
  }
  return value as string[];
}

/** `data_volumes`: `auto` (the default) or `off`. */
export function dataVolumesSetting(
  text: string | undefined,
  origins: Record<string, Origin>,
): "auto" | "off" {
  if (text === undefined || text === "auto" || text === "off") return text ?? "auto";
  const where = describeOrigin(origins.data_volumes ?? { kind: "default", key: "data_volumes" });
  throw new ConfigError(`${where} must be "auto" or "off"; got "${text}"`);
}

/** A whole number above 0. */
export function positiveInt(text: string, origins: Record<string, Origin>, key: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    const where = describeOrigin(origins[key] ?? { kind: "default", key });
    throw new ConfigError(`${where} must be a whole number above 0; got "${text}"`);
  }
  return n;
}

/** `true`/`false` and their usual spellings (`1`, `yes`, `on`, ...). */
export function parseBool(text: string, name: string): boolean {
  if (["1", "true", "yes", "on"].includes(text.toLowerCase())) return true;
  if (["0", "false", "no", "off", ""].includes(text.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false; got "${text}"`);
}

/** A libSQL URL: `file:`, `libsql://`, `http(s)://` or `ws(s)://`. */
export function checkDbUrl(url: string, name: string): void {
  if (!/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(url)) {
    throw new ConfigError(
      `${name} must start with file:, libsql://, http(s):// or ws(s)://; got "${url}"`,
    );
  }
}

/** An emit rate (`<n>/s`, ...); `fallback` when unset. */
export function emitRateSetting(
  text: string | undefined,
  origin: Origin | undefined,
  fallback: EmitRate,
): EmitRate {
  if (text === undefined) return fallback;
  try {
    return parseEmitRate(text, origin ? describeOrigin(origin) : "emit rate");
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
