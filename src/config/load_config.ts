/** The effective configuration from flags, environment, file and defaults. */
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Config } from "./types.ts";
import { DEFAULT_EMIT_RATE, DEFAULT_EMIT_RATE_MAX } from "./emit_rate.ts";
import { ConfigError } from "./errors.ts";
import {
  DEFAULT_DATA_QUOTA_MB,
  DEFAULT_TMP_QUOTA_MB,
  DEFAULT_UID_RANGE,
  parseUidRange,
} from "./isolation.ts";
import { describeOrigin, type Origin, settingSpec } from "./settings.ts";
import { readConfigFile } from "./read_config_file.ts";
import { registrySources } from "./registries.ts";
import { fleetSettings } from "./fleet_settings.ts";
import { workSettings } from "./work_settings.ts";
import { standbySettings } from "./standby_settings.ts";
import { parseDbSynchronous } from "./db_synchronous.ts";
import { DEFAULT_HTTP, isLoopback, parseHttpAt, tlsFiles } from "./http_listen.ts";
import {
  checkDbUrl,
  dataVolumesSetting,
  defaulted,
  emitRateSetting,
  listSetting,
  parseBool,
  positiveInt,
} from "./_setting_parsers.ts";

/** Options given on the command line; each wins over the environment and the file. */
export interface ConfigFlags {
  stateDir?: string;
  dbUrl?: string;
  http?: string;
  socket?: string;
  masterKeyFile?: string;
  dev?: boolean;
  config?: string;
  insecureListen?: boolean;
}

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** Relative paths in flags and the environment resolve against this (the caller's folder). */
  cwd?: string;
}

const FLAG_FIELD: Record<string, keyof ConfigFlags> = {
  state_dir: "stateDir",
  db_url: "dbUrl",
  http: "http",
  socket: "socket",
  master_key_file: "masterKeyFile",
  dev: "dev",
  insecure_listen: "insecureListen",
};

/**
 * Builds the effective configuration: flags > environment > file (`--config` / `PLUGD_CONFIG`)
 * > defaults. Under systemd the defaults of the state dir, socket and master key come from the
 * unit's `$STATE_DIRECTORY`, `$RUNTIME_DIRECTORY` and `$CREDENTIALS_DIRECTORY`. Every error names
 * the setting and where its value came from.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ dev: true }, Deno.env.toObject());
 * ```
 */
export async function loadConfig(
  flags: ConfigFlags,
  env: Record<string, string | undefined>,
  options: LoadConfigOptions = {},
): Promise<Config> {
  const cwd = options.cwd ?? Deno.cwd();
  const sources = ["defaults"];
  const filePath = flags.config ?? env.PLUGD_CONFIG;
  const file = filePath ? await readConfigFile(resolve(cwd, filePath)) : null;
  if (file) sources.push(`file ${file.path}`);
  if (Object.keys(env).some((k) => k.startsWith("PLUGD_"))) sources.push("environment");
  if (Object.values(flags).some((v) => v !== undefined)) sources.push("flags");
  const origins: Record<string, Origin> = {};

  /** The value of `key` and where it came from; relative paths resolve against their source. */
  const pick = (key: string, path = false): string | undefined => {
    const spec = settingSpec(key);
    const field = FLAG_FIELD[key];
    const flag = field ? flags[field] : undefined;
    let value: unknown;
    let origin: Origin;
    let base = cwd;
    if (flag !== undefined) {
      [value, origin] = [flag, { kind: "flag", flag: spec.flag ?? `--${key}` }];
    } else if (spec.env && env[spec.env] !== undefined) {
      [value, origin] = [env[spec.env], { kind: "env", name: spec.env }];
    } else if (file && file.values.has(key)) {
      [value, origin, base] = [
        file.values.get(key),
        { kind: "file", key, path: file.path },
        dirname(
          file.path,
        ),
      ];
    } else return undefined;
    origins[key] = origin;
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") {
      throw new ConfigError(
        `${describeOrigin(origin)} must be a single value; got ${typeof value}`,
      );
    }
    const text = String(value);
    return path && text !== "" && !isAbsolute(text) ? resolve(base, text) : text;
  };
  const origin = (key: string, fallback: Origin): string =>
    describeOrigin(origins[key] ?? (origins[key] = fallback));

  const stateDir = pick("state_dir", true) ??
    defaulted(origins, "state_dir", env.STATE_DIRECTORY, "$STATE_DIRECTORY") ??
    resolve(".plugd");
  const dev = parseBool(pick("dev") ?? "false", origin("dev", { kind: "default", key: "dev" }));
  const httpText = pick("http") ?? DEFAULT_HTTP;
  const http = parseHttpAt(httpText, origin("http", { kind: "default", key: "http" }));
  const tls = tlsFiles(pick("tls_cert", true), pick("tls_key", true), origins);
  const insecureListen = parseBool(
    pick("insecure_listen") ?? "false",
    origin("insecure_listen", { kind: "default", key: "insecure_listen" }),
  );
  if (http && !tls && !insecureListen && !isLoopback(http.hostname)) {
    throw new ConfigError(
      `Refusing to listen on ${httpText} (${origin("http", { kind: "default", key: "http" })}) ` +
        `without TLS: bearer tokens would cross the network in clear text. Set PLUGD_TLS_CERT ` +
        `and PLUGD_TLS_KEY (tls_cert/tls_key in plugd.yaml), listen on 127.0.0.1, or pass ` +
        `--insecure-listen (PLUGD_INSECURE_LISTEN=true) when a TLS proxy or a private network ` +
        `protects this address`,
    );
  }
  const sandbox = pick("sandbox") ?? "bwrap";
  if (sandbox !== "bwrap" && sandbox !== "flags") {
    throw new ConfigError(
      `${origin("sandbox", { kind: "default", key: "sandbox" })} must be "bwrap" or "flags"; ` +
        `got "${sandbox}". Use "flags" only where bubblewrap cannot run`,
    );
  }
  const allowPrivate = parseBool(
    pick("webhooks.allow_private") ?? "false",
    origin("webhooks.allow_private", { kind: "default", key: "webhooks.allow_private" }),
  );
  const registries = await registrySources(env, file, origins);
  const idleText = pick("idle_stop_ms") ?? "0";
  const idleStopMs = Number(idleText);
  if (!Number.isInteger(idleStopMs) || idleStopMs < 0) {
    throw new ConfigError(
      `${
        origin("idle_stop_ms", { kind: "default", key: "idle_stop_ms" })
      } must be a whole number of milliseconds (0 = never); got "${idleText}"`,
    );
  }
  const checkText = pick("addon_check_ms") ?? "60000";
  const addonCheckMs = Number(checkText);
  if (!Number.isInteger(addonCheckMs) || addonCheckMs < 0) {
    throw new ConfigError(
      `${
        origin("addon_check_ms", { kind: "default", key: "addon_check_ms" })
      } must be a whole number of milliseconds (0 = only when enabled); got "${checkText}"`,
    );
  }
  const registryTimeoutMs = positiveInt(
    pick("registry_timeout_ms") ?? "10000",
    origins,
    "registry_timeout_ms",
  );
  const advisoryPollS = positiveInt(
    pick("advisory_poll_s") ?? "30",
    origins,
    "advisory_poll_s",
  );
  const updateCheckS = positiveInt(pick("update_check_s") ?? "3600", origins, "update_check_s");
  const emitRate = {
    default: emitRateSetting(pick("emit_rate"), origins.emit_rate, DEFAULT_EMIT_RATE),
    ceiling: emitRateSetting(pick("emit_rate_max"), origins.emit_rate_max, DEFAULT_EMIT_RATE_MAX),
  };
  const auditExport = {
    targets: listSetting(env, file, origins, "audit_export", "PLUGD_AUDIT_EXPORT"),
    maxBytes: positiveInt(
      pick("audit_export_max_bytes") ?? "10485760",
      origins,
      "audit_export_max_bytes",
    ),
    keep: positiveInt(pick("audit_export_keep") ?? "5", origins, "audit_export_keep"),
  };
  const uidText = pick("uid_range");
  let uidRange = DEFAULT_UID_RANGE;
  try {
    if (uidText !== undefined) {
      uidRange = parseUidRange(uidText, origin("uid_range", { kind: "default", key: "uid_range" }));
    }
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const isolation = {
    uidRange,
    dataQuotaMb: positiveInt(
      pick("data_quota_mb") ?? String(DEFAULT_DATA_QUOTA_MB),
      origins,
      "data_quota_mb",
    ),
    dataVolumes: dataVolumesSetting(pick("data_volumes"), origins),
    tmpQuotaMb: positiveInt(
      pick("tmp_quota_mb") ?? String(DEFAULT_TMP_QUOTA_MB),
      origins,
      "tmp_quota_mb",
    ),
    cpuPercent: positiveInt(pick("cpu_percent") ?? "50", origins, "cpu_percent"),
    cpuPercentMax: positiveInt(pick("cpu_percent_max") ?? "100", origins, "cpu_percent_max"),
  };
  const limit = (key: string) => {
    const text = pick(key);
    return text === undefined ? undefined : positiveInt(text, origins, key);
  };
  const connections = {
    maxConnections: limit("connections.max"),
    idleTimeoutMs: limit("connections.idle_timeout_ms"),
    bodyTimeoutMs: limit("connections.body_timeout_ms"),
  };
  const fleet = fleetSettings({ pick, env, file, origins });
  const work = workSettings(pick, (key) => origin(key, { kind: "default", key }));
  const standby = standbySettings(pick, (key) => origin(key, { kind: "default", key }));
  const dbUrl = pick("db_url") ?? `file:${join(stateDir, "plugd.db")}`;
  checkDbUrl(dbUrl, origin("db_url", { kind: "default", key: "db_url" }));
  const dbSynchronous = parseDbSynchronous(
    pick("db_synchronous"),
    origin("db_synchronous", { kind: "default", key: "db_synchronous" }),
  );
  const socketPath = pick("socket", true) ??
    defaulted(origins, "socket", env.RUNTIME_DIRECTORY, "$RUNTIME_DIRECTORY", "plugd.sock") ??
    join(stateDir, "plugd.sock");
  const masterKeyFile = pick("master_key_file", true) ??
    defaulted(
      origins,
      "master_key_file",
      env.CREDENTIALS_DIRECTORY,
      "$CREDENTIALS_DIRECTORY",
      "master.key",
    ) ?? join(stateDir, "master.key");
  return {
    ...work,
    ...standby,
    stateDir,
    isolation,
    idleStopMs,
    connections,
    addonCheckMs,
    registryTimeoutMs,
    advisoryPollS,
    updateCheckS,
    emitRate,
    auditExport,
    dbUrl,
    dbAuthToken: env.PLUGD_DB_AUTH_TOKEN,
    dbSynchronous,
    http,
    tls,
    insecureListen,
    socketPath,
    masterKeyFile,
    dev,
    sandbox,
    webhooks: { allowPrivate },
    registries,
    fleet,
    sources,
    configFile: file?.path ?? null,
    origins: Object.fromEntries(Object.entries(origins).map(([k, o]) => [k, describeOrigin(o)])),
  };
}
