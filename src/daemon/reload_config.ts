/**
 * SIGHUP (`systemctl reload plugd`): which settings changed in the re-read configuration, and
 * applying those a running daemon can take live. The rest (listeners, state dir, database,
 * sandbox mode, ...) are named in the log with "restart to apply": plugins and connections are
 * never dropped by a reload.
 */
import { type Config, SETTINGS } from "../config/mod.ts";

/** One setting whose value differs between the running and the re-read configuration. */
export interface ConfigChange {
  key: string;
  from: string;
  to: string;
  /** Applied by the reload; false = takes effect after a restart. */
  live: boolean;
}

/** The value of a setting as text, for comparison and for the log. */
function valueOf(config: Config, key: string): string {
  switch (key) {
    case "state_dir":
      return config.stateDir;
    case "db_url":
      return config.dbUrl;
    case "db_synchronous":
      return config.dbSynchronous ?? "full";
    case "http":
      return config.http ? `${config.http.hostname}:${config.http.port}` : "off";
    case "socket":
      return config.socketPath;
    case "tls_cert":
      return config.tls?.certFile ?? "(none)";
    case "tls_key":
      return config.tls?.keyFile ?? "(none)";
    case "insecure_listen":
      return String(config.insecureListen ?? false);
    case "master_key_file":
      return config.masterKeyFile;
    case "dev":
      return String(config.dev);
    case "sandbox":
      return config.sandbox;
    case "idle_stop_ms":
      return String(config.idleStopMs);
    case "registry_timeout_ms":
      return String(config.registryTimeoutMs);
    case "emit_rate":
      return `${config.emitRate.default.perSecond}:${config.emitRate.default.burst}`;
    case "emit_rate_max":
      return `${config.emitRate.ceiling.perSecond}:${config.emitRate.ceiling.burst}`;
    case "audit_export":
      return config.auditExport.targets.join(",") || "(none)";
    case "audit_export_max_bytes":
      return String(config.auditExport.maxBytes);
    case "audit_export_keep":
      return String(config.auditExport.keep);
    case "registries":
      return config.registries.map((r) =>
        `${r.name}=${r.url}${r.advisoryKey ? " (advisory key)" : ""}`
      ).join(",") || "(none)";
    case "addon_check_ms":
      return String(config.addonCheckMs);
    case "advisory_poll_s":
      return String(config.advisoryPollS);
    case "update_check_s":
      return String(config.updateCheckS);
    case "webhooks.allow_private":
      return String(config.webhooks.allowPrivate);
    case "uid_range":
      return `${config.isolation.uidRange.first}-${config.isolation.uidRange.last}`;
    case "data_quota_mb":
      return String(config.isolation.dataQuotaMb);
    case "tmp_quota_mb":
      return String(config.isolation.tmpQuotaMb);
    case "cpu_percent":
      return String(config.isolation.cpuPercent);
    case "cpu_percent_max":
      return String(config.isolation.cpuPercentMax);
    case "connections.max":
      return String(config.connections?.maxConnections ?? "default");
    case "connections.idle_timeout_ms":
      return String(config.connections?.idleTimeoutMs ?? "default");
    case "connections.body_timeout_ms":
      return String(config.connections?.bodyTimeoutMs ?? "default");
    case "data_volumes":
      return config.isolation.dataVolumes;
    case "nats.url":
      return config.fleet?.servers.join(",") ?? "(none)";
    case "nats.creds":
      return config.fleet?.credsFile ?? "(none)";
    case "nats.nkey":
      return config.fleet?.nkeyFile ?? "(none)";
    case "nats.user":
      return config.fleet?.user ?? "(none)";
    case "nats.tls_ca":
      return config.fleet?.tls?.caFile ?? "(none)";
    case "nats.tls_cert":
      return config.fleet?.tls?.certFile ?? "(none)";
    case "nats.tls_key":
      return config.fleet?.tls?.keyFile ?? "(none)";
    case "fleet.name":
      return config.fleet?.name ?? "(none)";
    case "fleet.host_id":
      return config.fleet?.hostId ?? "(none)";
    case "fleet.labels":
      return Object.entries(config.fleet?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
    case "fleet.secret_env":
      return (config.fleet?.secretEnv ?? []).join(",");
    case "fleet.replicas":
      return String(config.fleet?.replicas ?? "(none)");
    case "executions.retention_days":
      return String(config.executions?.days ?? "default");
    case "executions.records":
      return String(config.executions?.records ?? "default");
    case "executions.max_rows":
      return String(config.executions?.maxRows ?? "default");
    case "usage.retention_days":
      return String(config.executions?.usageDays ?? "default");
    case "delivery.crash_retries":
      return String(config.delivery?.crashRetries ?? "default");
    case "health.interval_s":
      return String(config.health?.intervalS ?? "default");
    case "health.degraded_after":
      return String(config.health?.degradedAfter ?? "default");
    case "health.restart_after":
      return String(config.health?.restartAfter ?? "default");
    case "standby.memory_mb":
      return String(config.standby?.memoryMb ?? "default");
    case "standby.after_starts":
      return String(config.standby?.afterStarts ?? "default");
    case "standby.window_s":
      return String(config.standby?.windowS ?? "default");
    default:
      throw new RangeError(`reload does not know setting "${key}"`);
  }
}

/**
 * The settings that differ, in `SETTINGS` order. A TCP port of 0 in the running config was
 * replaced by the bound port: the same `:0` in the new one is not a change.
 *
 * @example
 * ```ts
 * for (const c of configChanges(running, reread)) console.log(c.key, c.live);
 * ```
 */
export function configChanges(current: Config, next: Config): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const { key, live } of SETTINGS) {
    const from = valueOf(current, key);
    let to = valueOf(next, key);
    if (key === "http" && next.http?.port === 0 && current.http) {
      to = `${next.http.hostname}:${current.http.port}`;
    }
    if (from !== to) changes.push({ key, from, to, live });
  }
  return changes;
}

/**
 * Copies the live settings of `next` into `current` in place, so every holder of the running
 * config (routes, install, the catalog) sees them at its next use.
 */
export function applyLiveChanges(current: Config, next: Config): void {
  current.registries.splice(0, current.registries.length, ...next.registries);
  current.webhooks.allowPrivate = next.webhooks.allowPrivate;
  current.configFile = next.configFile;
}
