import { parse as parseYaml } from "yaml";
import { isAbsolute, join, resolve } from "node:path";
import type { Config } from "./types.ts";
import {
  DEFAULT_EMIT_RATE,
  DEFAULT_EMIT_RATE_MAX,
  type EmitRate,
  parseEmitRate,
} from "./emit_rate.ts";

/** Default TCP address of the HTTP API. */
export const DEFAULT_HTTP = "127.0.0.1:7420";

/** Options given on the command line; each wins over the environment and the file. */
export interface ConfigFlags {
  stateDir?: string;
  dbUrl?: string;
  http?: string;
  socket?: string;
  masterKeyFile?: string;
  dev?: boolean;
  config?: string;
}

/** Keys accepted in `plugd.yaml`. */
const FILE_KEYS = [
  "state_dir",
  "db_url",
  "http",
  "socket",
  "master_key_file",
  "dev",
  "sandbox",
  "webhooks",
  "registries",
  "idle_stop_ms",
  "registry_timeout_ms",
  "emit_rate",
  "emit_rate_max",
  "audit_export",
  "audit_export_max_bytes",
  "audit_export_keep",
] as const;

/** Thrown for a bad configuration value; the message names the source and the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Builds the effective configuration from flags, environment and an optional YAML file.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ dev: true }, Deno.env.toObject());
 * ```
 */
export async function loadConfig(
  flags: ConfigFlags,
  env: Record<string, string | undefined>,
): Promise<Config> {
  const sources = ["defaults"];
  const file = flags.config ?? env.PLUGD_CONFIG;
  const fromFile = file ? await readConfigFile(file) : {};
  if (file) sources.push(`file ${file}`);
  if (Object.keys(env).some((k) => k.startsWith("PLUGD_"))) sources.push("environment");
  if (Object.values(flags).some((v) => v !== undefined)) sources.push("flags");

  const pick = (flag: unknown, envName: string, key: string): string | undefined => {
    const value = flag ?? env[envName] ?? fromFile[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") {
      throw new ConfigError(`Config "${key}" must be a string; got ${typeof value}`);
    }
    return String(value);
  };

  const stateDir = resolve(pick(flags.stateDir, "PLUGD_STATE_DIR", "state_dir") ?? ".plugd");
  const dev = parseBool(pick(flags.dev, "PLUGD_DEV", "dev") ?? "false", "PLUGD_DEV / dev");
  const httpText = pick(flags.http, "PLUGD_HTTP", "http") ?? DEFAULT_HTTP;
  const sandbox = pick(undefined, "PLUGD_SANDBOX", "sandbox") ?? "bwrap";
  if (sandbox !== "bwrap" && sandbox !== "flags") {
    throw new ConfigError(
      `PLUGD_SANDBOX must be "bwrap" or "flags"; got "${sandbox}". Use "flags" only where bubblewrap cannot run`,
    );
  }
  const webhooks = (fromFile.webhooks ?? {}) as Record<string, unknown>;
  const allowPrivate = parseBool(
    env.PLUGD_WEBHOOKS_ALLOW_PRIVATE ?? String(webhooks.allow_private ?? "false"),
    "PLUGD_WEBHOOKS_ALLOW_PRIVATE / webhooks.allow_private",
  );
  const registries = env.PLUGD_REGISTRIES
    ? env.PLUGD_REGISTRIES.split(",").filter(Boolean)
    : asStringList(fromFile.registries, "registries");
  const idleText = pick(undefined, "PLUGD_IDLE_STOP_MS", "idle_stop_ms") ?? "0";
  const idleStopMs = Number(idleText);
  if (!Number.isInteger(idleStopMs) || idleStopMs < 0) {
    throw new ConfigError(
      `PLUGD_IDLE_STOP_MS / idle_stop_ms must be a whole number of milliseconds (0 = never); got "${idleText}"`,
    );
  }
  const registryTimeoutMs = positiveInt(
    pick(undefined, "PLUGD_REGISTRY_TIMEOUT_MS", "registry_timeout_ms") ?? "10000",
    "PLUGD_REGISTRY_TIMEOUT_MS / registry_timeout_ms",
  );
  const emitRate = {
    default: emitRateSetting(
      pick(undefined, "PLUGD_EMIT_RATE", "emit_rate"),
      "PLUGD_EMIT_RATE / emit_rate",
      DEFAULT_EMIT_RATE,
    ),
    ceiling: emitRateSetting(
      pick(undefined, "PLUGD_EMIT_RATE_MAX", "emit_rate_max"),
      "PLUGD_EMIT_RATE_MAX / emit_rate_max",
      DEFAULT_EMIT_RATE_MAX,
    ),
  };
  const auditExport = {
    targets: env.PLUGD_AUDIT_EXPORT
      ? env.PLUGD_AUDIT_EXPORT.split(",").map((t) => t.trim()).filter(Boolean)
      : asStringList(fromFile.audit_export, "audit_export"),
    maxBytes: positiveInt(
      pick(undefined, "PLUGD_AUDIT_EXPORT_MAX_BYTES", "audit_export_max_bytes") ?? "10485760",
      "PLUGD_AUDIT_EXPORT_MAX_BYTES / audit_export_max_bytes",
    ),
    keep: positiveInt(
      pick(undefined, "PLUGD_AUDIT_EXPORT_KEEP", "audit_export_keep") ?? "5",
      "PLUGD_AUDIT_EXPORT_KEEP / audit_export_keep",
    ),
  };
  return {
    stateDir,
    idleStopMs,
    registryTimeoutMs,
    emitRate,
    auditExport,
    dbUrl: checkDbUrl(
      pick(flags.dbUrl, "PLUGD_DB_URL", "db_url") ?? `file:${join(stateDir, "plugd.db")}`,
    ),
    dbAuthToken: env.PLUGD_DB_AUTH_TOKEN,
    http: parseHttp(httpText),
    socketPath: absolute(pick(flags.socket, "PLUGD_SOCKET", "socket"), stateDir, "plugd.sock"),
    masterKeyFile: absolute(
      pick(flags.masterKeyFile, "PLUGD_MASTER_KEY_FILE", "master_key_file"),
      stateDir,
      "master.key",
    ),
    dev,
    sandbox,
    webhooks: { allowPrivate },
    registries,
    sources,
  };
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const data = parseYaml(text, { maxAliasCount: 50 }) ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError(`Config file ${path} must be a YAML mapping of settings`);
  }
  for (const key of Object.keys(data)) {
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `Unknown key "${key}" in ${path}; allowed keys: ${FILE_KEYS.join(", ")}`,
      );
    }
  }
  return data as Record<string, unknown>;
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigError(`${name} must be a whole number above 0; got "${text}"`);
  }
  return n;
}

function emitRateSetting(text: string | undefined, name: string, fallback: EmitRate): EmitRate {
  if (text === undefined) return fallback;
  try {
    return parseEmitRate(text, name);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function parseBool(text: string, name: string): boolean {
  if (["1", "true", "yes", "on"].includes(text.toLowerCase())) return true;
  if (["0", "false", "no", "off", ""].includes(text.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false; got "${text}"`);
}

/** Parses `host:port`; `off` or `none` disables TCP. */
export function parseHttp(text: string): Config["http"] {
  if (text === "off" || text === "none") return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 0 || port > 65535) {
    throw new ConfigError(
      `PLUGD_HTTP / --http must be host:port such as ${DEFAULT_HTTP} (or "off"); got "${text}"`,
    );
  }
  return { hostname: match[1]!.replace(/^\[|\]$/g, ""), port };
}

function checkDbUrl(url: string): string {
  if (!/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(url)) {
    throw new ConfigError(
      `PLUGD_DB_URL must start with file:, libsql://, http(s):// or ws(s)://; got "${url}"`,
    );
  }
  return url;
}

function absolute(value: string | undefined, stateDir: string, fallback: string): string {
  if (!value) return join(stateDir, fallback);
  return isAbsolute(value) ? value : resolve(value);
}

function asStringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ConfigError(`Config "${name}" must be a list of strings`);
  }
  return value as string[];
}
