/**
 * Every daemon setting, once: its key in `plugd.yaml`, its environment variable, its flag. The
 * loader accepts exactly these keys, error messages name where a value came from, and a test
 * checks that docs/configuration.md documents each of them.
 */

/** One setting of the daemon. */
export interface SettingSpec {
  /** Key in `plugd.yaml`; nested keys are dotted (`webhooks.allow_private`). */
  key: string;
  /** Environment variable, when there is one. */
  env?: string;
  /** Command-line flag of `plugd daemon`, when there is one. */
  flag?: string;
  /** Whether a running daemon applies a new value on SIGHUP (`systemctl reload plugd`). */
  live: boolean;
}

/** The settings `plugd.yaml` may contain (and their environment variables and flags). */
export const SETTINGS: readonly SettingSpec[] = [
  { key: "state_dir", env: "PLUGD_STATE_DIR", flag: "--state-dir", live: false },
  { key: "db_url", env: "PLUGD_DB_URL", flag: "--db-url", live: false },
  { key: "db_synchronous", env: "PLUGD_DB_SYNCHRONOUS", live: false },
  { key: "http", env: "PLUGD_HTTP", flag: "--http", live: false },
  { key: "tls_cert", env: "PLUGD_TLS_CERT", live: true },
  { key: "tls_key", env: "PLUGD_TLS_KEY", live: true },
  { key: "insecure_listen", env: "PLUGD_INSECURE_LISTEN", flag: "--insecure-listen", live: false },
  { key: "socket", env: "PLUGD_SOCKET", flag: "--socket", live: false },
  { key: "master_key_file", env: "PLUGD_MASTER_KEY_FILE", live: false },
  { key: "dev", env: "PLUGD_DEV", flag: "--dev", live: false },
  { key: "sandbox", env: "PLUGD_SANDBOX", live: false },
  { key: "idle_stop_ms", env: "PLUGD_IDLE_STOP_MS", live: false },
  { key: "addon_check_ms", env: "PLUGD_ADDON_CHECK_MS", live: false },
  { key: "registry_timeout_ms", env: "PLUGD_REGISTRY_TIMEOUT_MS", live: false },
  { key: "emit_rate", env: "PLUGD_EMIT_RATE", live: false },
  { key: "emit_rate_max", env: "PLUGD_EMIT_RATE_MAX", live: false },
  { key: "audit_export", env: "PLUGD_AUDIT_EXPORT", live: false },
  { key: "audit_export_max_bytes", env: "PLUGD_AUDIT_EXPORT_MAX_BYTES", live: false },
  { key: "audit_export_keep", env: "PLUGD_AUDIT_EXPORT_KEEP", live: false },
  { key: "uid_range", env: "PLUGD_UID_RANGE", live: false },
  { key: "data_quota_mb", env: "PLUGD_DATA_QUOTA_MB", live: false },
  { key: "tmp_quota_mb", env: "PLUGD_TMP_QUOTA_MB", live: false },
  { key: "cpu_percent", env: "PLUGD_CPU_PERCENT", live: false },
  { key: "cpu_percent_max", env: "PLUGD_CPU_PERCENT_MAX", live: false },
  { key: "connections.max", env: "PLUGD_MAX_CONNECTIONS", live: false },
  { key: "connections.idle_timeout_ms", env: "PLUGD_IDLE_TIMEOUT_MS", live: false },
  { key: "connections.body_timeout_ms", env: "PLUGD_BODY_TIMEOUT_MS", live: false },
  { key: "data_volumes", env: "PLUGD_DATA_VOLUMES", live: false },
  { key: "registries", env: "PLUGD_REGISTRIES", live: true },
  { key: "advisory_poll_s", env: "PLUGD_ADVISORY_POLL_S", live: false },
  { key: "update_check_s", env: "PLUGD_UPDATE_CHECK_S", live: false },
  { key: "webhooks.allow_private", env: "PLUGD_WEBHOOKS_ALLOW_PRIVATE", live: true },
  { key: "nats.url", env: "PLUGD_NATS_URL", live: false },
  { key: "nats.creds", env: "PLUGD_NATS_CREDS", live: false },
  { key: "nats.nkey", env: "PLUGD_NATS_NKEY", live: false },
  { key: "nats.user", env: "PLUGD_NATS_USER", live: false },
  { key: "nats.tls_ca", env: "PLUGD_NATS_TLS_CA", live: false },
  { key: "nats.tls_cert", env: "PLUGD_NATS_TLS_CERT", live: false },
  { key: "nats.tls_key", env: "PLUGD_NATS_TLS_KEY", live: false },
  { key: "fleet.name", env: "PLUGD_FLEET_NAME", live: false },
  { key: "fleet.host_id", env: "PLUGD_FLEET_HOST_ID", live: false },
  { key: "fleet.labels", env: "PLUGD_FLEET_LABELS", live: false },
  { key: "fleet.secret_env", env: "PLUGD_FLEET_SECRET_ENV", live: false },
  { key: "fleet.replicas", env: "PLUGD_FLEET_REPLICAS", live: false },
  { key: "executions.retention_days", env: "PLUGD_EXECUTIONS_RETENTION_DAYS", live: false },
  { key: "executions.max_rows", env: "PLUGD_EXECUTIONS_MAX_ROWS", live: false },
  { key: "executions.records", env: "PLUGD_EXECUTION_RECORDS", live: false },
  { key: "usage.retention_days", env: "PLUGD_USAGE_RETENTION_DAYS", live: false },
  { key: "delivery.crash_retries", env: "PLUGD_DELIVERY_CRASH_RETRIES", live: false },
  { key: "health.interval_s", env: "PLUGD_HEALTH_INTERVAL_S", live: false },
  { key: "health.degraded_after", env: "PLUGD_HEALTH_DEGRADED_AFTER", live: false },
  { key: "health.restart_after", env: "PLUGD_HEALTH_RESTART_AFTER", live: false },
  { key: "standby.memory_mb", env: "PLUGD_STANDBY_MEMORY_MB", live: false },
  { key: "standby.after_starts", env: "PLUGD_STANDBY_AFTER_STARTS", live: false },
  { key: "standby.window_s", env: "PLUGD_STANDBY_WINDOW_S", live: false },
];

/** Settings read from the environment only (secrets, or where the config file comes from). */
export const ENV_ONLY = [
  "PLUGD_CONFIG",
  "PLUGD_DB_AUTH_TOKEN",
  "PLUGD_NATS_PASSWORD",
  "PLUGD_NATS_TOKEN",
] as const;

/** Where a value came from, in the words error messages use. */
export type Origin =
  | { kind: "flag"; flag: string }
  | { kind: "env"; name: string }
  | { kind: "file"; key: string; path: string }
  | { kind: "default"; key: string; why?: string };

/** Describes an origin for messages: `--http (flag)`, `http in /etc/plugd/plugd.yaml`, ... */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "flag":
      return `${origin.flag} (command-line flag)`;
    case "env":
      return `${origin.name} (environment)`;
    case "file":
      return `"${origin.key}" in ${origin.path}`;
    case "default":
      return `${origin.key} (default${origin.why ? `: ${origin.why}` : ""})`;
  }
}

/** The spec of `key`; throws for a key not in {@linkcode SETTINGS} (a programming error). */
export function settingSpec(key: string): SettingSpec {
  const spec = SETTINGS.find((s) => s.key === key);
  if (!spec) throw new RangeError(`no setting "${key}"`);
  return spec;
}
