import type { DbSynchronous } from "./db_synchronous.ts";
import type { EmitRate } from "./emit_rate.ts";
import type { UidRange } from "./isolation.ts";
import type { WorkSettings } from "./work_settings.ts";
import type { StandbySettings } from "./standby_settings.ts";

/** The daemon's effective configuration (SPEC §3): flags > environment > file > defaults. */
export interface Config extends WorkSettings, StandbySettings {
  /** State folder: DB, admin token, plugins. @default $STATE_DIRECTORY under systemd, else "./.plugd" */
  stateDir: string;
  /** libSQL URL: `file:…` (default `file:<stateDir>/plugd.db`), `libsql://…`, `http(s)://…`. */
  dbUrl: string;
  /** Auth token for a remote libSQL server (`PLUGD_DB_AUTH_TOKEN`). */
  dbAuthToken?: string;
  /** Durability of a database file's commits (`db_synchronous.ts`). @default "full" */
  dbSynchronous?: DbSynchronous;
  /** TCP listener, or `null` to serve only the Unix socket. @default 127.0.0.1:7420 */
  http: { hostname: string; port: number } | null;
  /** TLS for the TCP listener: PEM certificate chain and key files; null = plain HTTP. */
  tls?: { certFile: string; keyFile: string } | null;
  /** Allow a non-loopback `http` address without TLS (`--insecure-listen`). @default false */
  insecureListen?: boolean;
  /** Unix socket path. @default "$RUNTIME_DIRECTORY/plugd.sock" under systemd, else "<stateDir>/plugd.sock" */
  socketPath: string;
  /** Master key file (AES-256-GCM). @default "$CREDENTIALS_DIRECTORY/master.key" under systemd, else "<stateDir>/master.key" */
  masterKeyFile: string;
  /** Dev mode: unsigned local plugins allowed (and audited as such). @default false */
  dev: boolean;
  /** `bwrap` (default, required) or `flags` (Deno flags only; loud warning). */
  sandbox: "bwrap" | "flags";
  /** Outgoing webhooks settings. */
  webhooks: { allowPrivate: boolean };
  /** Where plugins come from, in priority order (see `registries.ts`). */
  registries: RegistrySource[];
  /**
   * Longest wait for a registry's answer, and between two chunks of it, in ms; a registry that
   * stays silent longer fails with a clear error. @default 10000
   */
  registryTimeoutMs: number;
  /** How often each registry server's advisory feed is fetched, in seconds. @default 30 */
  advisoryPollS: number;
  /** How often installed plugins are checked for updates (and auto-updated), in seconds. @default 3600 */
  updateCheckS: number;
  /**
   * Plugins' `ctx.emit` rate: the default for manifests that declare no `limits.emit_per_s`
   * (`PLUGD_EMIT_RATE`, 100:200) and the ceiling no manifest exceeds (`PLUGD_EMIT_RATE_MAX`,
   * 1000:2000).
   */
  emitRate: { default: EmitRate; ceiling: EmitRate };
  /**
   * Audit export (`PLUGD_AUDIT_EXPORT`, comma-separated): `file:/abs/path` (JSON lines, rotated at
   * `maxBytes`, `keep` old files), `syslog+udp://host:port`, `syslog+tcp://host:port`, `journald`.
   * @default no targets
   */
  auditExport: { targets: string[]; maxBytes: number; keep: number };
  /**
   * Stop plugins whose hooks are only actions/cron after this idle time, and start them on
   * demand (so thousands can be installed while only busy ones cost memory); 0 = keep running.
   * @default 0
   */
  idleStopMs: number;
  /**
   * Plugin isolation: the range per-plugin uids come from when plugd runs as root
   * (`PLUGD_UID_RANGE`, default 1879048192-1879113727), the `$DATA` quota
   * (`PLUGD_DATA_QUOTA_MB`, 100) and the `$TMP` tmpfs size (`PLUGD_TMP_QUOTA_MB`, 64), in MiB.
   */
  isolation: {
    uidRange: UidRange;
    dataQuotaMb: number;
    tmpQuotaMb: number;
    /** `auto`: an ext4 volume per plugin where plugd may mount; `off`: watched folders. */
    dataVolumes: "auto" | "off";
    /** A plugin's CPU share, % of one core, unless its manifest sets `limits.cpu_percent`. */
    cpuPercent: number;
    /** The most CPU any plugin gets, % of one core, whatever its manifest asks. */
    cpuPercentMax: number;
  };
  /**
   * Connection limits of each listener (`PLUGD_MAX_CONNECTIONS`, `PLUGD_IDLE_TIMEOUT_MS`,
   * `PLUGD_BODY_TIMEOUT_MS`; file key `connections`); unset fields keep the defaults.
   */
  connections: { maxConnections?: number; idleTimeoutMs?: number; bodyTimeoutMs?: number };
  /**
   * Fleet membership over NATS JetStream (`nats.*`, `fleet.*`); `null`/absent without
   * `nats.url`: the daemon is a single host, exactly as without the fleet feature.
   */
  fleet?: FleetSettings | null;
  /**
   * How often enabled system addons are checked (`addon_status`, then `addon_health` and
   * `addon_metrics` when they have them), in ms; 0 = only when enabled. @default 60000
   */
  addonCheckMs: number;
  /** Where the config came from, for `plugd daemon` start-up output. */
  sources: string[];
  /** The config file read (`--config` / `PLUGD_CONFIG`), re-read on SIGHUP. */
  configFile?: string | null;
  /**
   * Where each set value came from, by `plugd.yaml` key, in words for error messages:
   * `--http (command-line flag)`, `PLUGD_HTTP (environment)`, `"http" in /etc/plugd/plugd.yaml`.
   */
  origins?: Record<string, string>;
}

/** One configured registry. */
export interface RegistrySource {
  /** Short unique name: the catalog's registry column; origins and advisories are kept under it. */
  name: string;
  /** Path or URL of an `index.json` (kind `index`), or a registry server's base URL. */
  url: string;
  kind: "index" | "server";
  /** Base64 Ed25519 public key the registry's advisory feed is signed with (servers only). */
  advisoryKey: string | null;
}

/** How this daemon joins a fleet: the NATS connection and its identity in the fleet. */
export interface FleetSettings {
  /** NATS server URLs (`nats://`, `tls://`), tried in order (`nats.url`, comma-separated). */
  servers: string[];
  /** A `.creds` file (user JWT and NKey seed), as `nsc` writes it. */
  credsFile: string | null;
  /** A file holding an NKey seed (`SU…`), for NKey authentication. */
  nkeyFile: string | null;
  /** User for user/password authentication (password from `PLUGD_NATS_PASSWORD`). */
  user: string | null;
  password: string | null;
  /** Token authentication (`PLUGD_NATS_TOKEN`). */
  token: string | null;
  /** TLS: CA bundle to verify the server, client certificate and key (mutual TLS). */
  tls: { caFile: string | null; certFile: string | null; keyFile: string | null } | null;
  /** Names the KV bucket and streams, so several fleets can share one NATS. @default "plugd" */
  name: string;
  /** This host's id in the fleet. @default the host name */
  hostId: string;
  /** This host's labels, which desired state targets (`role=web,zone=a`). @default {} */
  labels: Record<string, string>;
  /** Environment variable names (or globs) desired-state secrets may read. @default none */
  secretEnv: string[];
  /** Replicas of the bucket and streams when plugd creates them (1, 3 or 5). @default 1 */
  replicas: number;
}
