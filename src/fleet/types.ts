/** The shapes of the fleet: a plugin's declared spec, its desired-state entry, statuses. */
import type { Permissions } from "../manifest/mod.ts";

/** A secret resolved on each host; never a value, only where to find it. */
export interface SecretRef {
  from: "env";
  /** Environment variable of the daemon on each host (allowed by its `fleet.secret_env`). */
  name: string;
}

/** Which hosts a plugin goes to: all labels must match, and the id be listed when ids are. */
export interface HostSelector {
  labels?: Record<string, string>;
  ids?: string[];
}

/** How a new version spreads. */
export interface RolloutPolicy {
  /** Hosts in the first wave. @default 1 */
  canary: number;
  /** Hosts per later wave: a count, or a percentage of the targeted hosts (`"25%"`). */
  batch: number | string;
  /** Seconds a wave must stay converged and healthy before the next one starts. @default 30 */
  pause_s: number;
  /** `failed`: a failed host stops the rollout; `never`: go on. @default "failed" */
  halt_on: "failed" | "never";
}

/** One plugin of `fleet.yaml`, as declared. */
export interface PluginSpec {
  id: string;
  /** Exact version or semver range (resolved to an exact version at apply). */
  version: string;
  /** Registry server URL or index (URL or the same absolute path on every host). */
  registry: string;
  grant: Permissions;
  config: Record<string, unknown>;
  /** Config paths (`webhook_url`, `github/token`) filled from each host's environment. */
  secrets: Record<string, SecretRef>;
  hosts: HostSelector | null;
  rollout: RolloutPolicy | null;
}

/** A staged move from one version to another, fixed at apply time. */
export interface RolloutPlan {
  id: string;
  from: string;
  to: string;
  /** Host ids per wave; the first is the canary wave. */
  waves: string[][];
  created_at: string;
}

/** `desired.<id>` in the KV bucket. */
export interface DesiredEntry extends Omit<PluginSpec, "version"> {
  format: 1;
  /** What the operator asked for (`^1.2`). */
  range: string;
  /** The exact version the range resolved to at apply. */
  version: string;
  plan: RolloutPlan | null;
  applied_at: string;
  applied_by: string;
  /** `sha256:<hex>` of the canonical JSON of every other field. */
  digest: string;
}

/** What a host converges a plugin to, or why it will not. */
export type HostPluginState =
  | "converged"
  | "installing"
  | "updating"
  | "waiting"
  | "failed"
  | "removing";

/** `status.<host>.<plugin>` in the KV bucket. */
export interface PluginStatus {
  host: string;
  plugin: string;
  state: HostPluginState;
  /** Installed version, or null when not installed. */
  version: string | null;
  /** The version the host is moving to / holding. */
  target: string | null;
  /** The runtime state of the plugin (running, failed, ...). */
  runtime: string | null;
  reason: string | null;
  /** Digest of the desired entry this status answers. */
  digest: string | null;
  /** Rollout plan id and attempt the state belongs to. */
  rollout: string | null;
  attempt: number;
  at: string;
}

/** `hosts.<host>` in the KV bucket: membership and liveness. */
export interface HostInfo {
  id: string;
  labels: Record<string, string>;
  plugd: string;
  started_at: string;
  seen_at: string;
  /** Task types this host can take from the fleet work queue. */
  tasks?: string[];
}

/** `control.<plugin>` in the KV bucket: an operator's hand on a rollout. */
export interface RolloutControl {
  rollout: string;
  paused: boolean;
  aborted: boolean;
  /** Raised by resume after a halt: hosts that failed in an earlier attempt try again. */
  attempt: number;
  by: string;
  at: string;
}
