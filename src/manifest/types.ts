/** Types of a validated `plugin.yaml` (SPEC §4). */

import type { Permissions } from "../permissions/mod.ts";
import type { ConfigRootSchema } from "./config_schema.ts";
import type { AddonOperation } from "./addon_contract.ts";

export type { PermissionKind, Permissions, Problem } from "../permissions/mod.ts";

export type HookKind = "action" | "filter" | "gate" | "task";

/** One `hooks:` entry. */
export interface HookDecl {
  kind: HookKind;
  /** Event type, filter/gate name or task type, lowercase dotted; may end in `*` (actions only). */
  name: string;
  /** Lower runs first. @default 10 */
  priority: number;
  /** A task processor's settings (kind `task` only). */
  task?: TaskSettings;
}

/** How a plugin processes one task type (`- task: image.resize`). */
export interface TaskSettings {
  /** Tasks of this type running at once. @default 1 */
  concurrency: number;
  /** Per attempt. @default limits.timeout_ms */
  timeout_ms: number | null;
  /** Attempts after the first before the task is `dead`. @default 3 */
  retries: number;
  /**
   * Queued on the fleet's JetStream work queue, taken by any host that runs this plugin (a host
   * outside a fleet runs them locally). @default false
   */
  fleet: boolean;
}

/**
 * One `routes:` entry: `"POST /notify"` (callers need a token), or a mapping such as
 * `{ route: "POST /github", auth: none, max_body_kb: 512, rate: "60/min" }` (public).
 */
export interface RouteDecl {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  /**
   * Path beginning with `/`; `:name` segments match one segment. Served under
   * `/v1/plugins/<id>/routes`, or `/hooks/<id>` when public.
   */
  path: string;
  /** `none`: public, anyone who reaches plugd may call it (high risk). @default "token" */
  auth?: "token" | "none";
  /** Public routes: largest request body in KiB (413 beyond it). @default 64, at most 1024 */
  max_body_kb?: number;
  /** Public routes: requests allowed per period, e.g. `60/min` (429 beyond it). @default "600/min" */
  rate?: string;
  /** Public routes: timeout of one request. @default limits.timeout_ms */
  timeout_ms?: number;
}

/** One `commands:` entry: `plugd <plugin-id> <name> [args...]`. */
export interface CommandDecl {
  /** Lowercase word, e.g. `notify`. */
  name: string;
  /** One line for `plugd --help` and `plugd plugin commands`. */
  summary: string;
  /** Usage of the arguments for help, e.g. `[--channel NAME] <text>`. @default "" */
  args: string;
  /** Argument names (`<name>` or `--name` in `args`) masked in the audit log. @default [] */
  secret: string[];
  /** Timeout of one run. @default limits.timeout_ms */
  timeout_ms?: number;
}

/** One console page contributed by a plugin (`ui.pages`). */
export interface UiPage {
  id: string;
  title: string;
  /** HTML file inside the package, e.g. `ui/index.html`. */
  path: string;
}

/** One console widget contributed by a plugin (`ui.widgets`). */
export interface UiWidget extends UiPage {
  slot: "overview" | "plugin-detail";
}

/** The `ui:` section. */
export interface UiDecl {
  pages: UiPage[];
  widgets: UiWidget[];
}

/** One `cron:` entry. */
export interface CronDecl {
  name: string;
  schedule: string;
}

/** Resource limits (SPEC §8 defaults and ceilings). */
export interface Limits {
  /** @default 128, max 4096 */
  memory_mb: number;
  /** @default 5000, max 300000 */
  timeout_ms: number;
  /** @default 8 */
  concurrency: number;
  /** Events per second the plugin may emit (`ctx.emit`). @default the operator's default */
  emit_per_s?: number;
  /** Emits allowed in a burst above the rate. @default 2 × emit_per_s */
  emit_burst?: number;
  /**
   * CPU share in percent of one core, enforced by the cgroup quota from the ready handshake on
   * (with a burst allowance where the kernel has one); capped by the operator's
   * `cpu_percent_max`. @default the operator's `cpu_percent` (50)
   */
  cpu_percent?: number;
}

/** `plugin`: a Deno module (the default). `system`: a bash script with the addon contract. */
export type PluginKind = "plugin" | "system";

/** One operation's settings under `operations:` (system addons). */
export interface OperationDecl {
  /** Seconds before the operation is killed (`ADDON_TIMEOUT_DEFAULTS`, at most an hour). */
  timeout_s: number;
}

/** A validated manifest with defaults applied. */
export interface Manifest {
  id: string;
  name: string;
  version: string;
  description: string;
  author?: string;
  license?: string;
  /** Semver range of host versions. */
  plugd: string;
  /** Entry module, relative to the plugin folder. @default "main.ts" */
  entry: string;
  permissions: Permissions;
  hooks: HookDecl[];
  routes: RouteDecl[];
  cron: CronDecl[];
  /** Present when declared (manifests stored before commands existed lack it). */
  commands?: CommandDecl[];
  /** Present when declared. */
  ui?: UiDecl;
  /** The settings schema, normalized to JSON Schema (see `config_schema.ts`). */
  config: ConfigRootSchema;
  limits: Limits;
  /** Other plugins (ranges), and npm packages (exact versions) bundled at pack time. */
  dependencies: { plugins: Record<string, string>; npm?: Record<string, string> };
  conflicts: string[];
  /** Folder of numbered `.sql` migrations for the plugin's database (needs `db`). */
  migrations?: string;
  /** @default "plugin" (manifests stored before plugd had system addons have none) */
  kind?: PluginKind;
  /** Names this plugin also answers to in others' dependencies and conflicts. @default [] */
  provides?: string[];
  /** System addons: every operation's timeout (defaults filled in). */
  operations?: Record<AddonOperation, OperationDecl>;
}
