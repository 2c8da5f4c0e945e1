/** Types of a validated `plugin.yaml` (SPEC §4). */

import type { Permissions } from "../permissions/mod.ts";
import type { ConfigRootSchema } from "./config_schema.ts";

export type { PermissionKind, Permissions, Problem } from "../permissions/mod.ts";

export type HookKind = "action" | "filter" | "gate";

/** One `hooks:` entry. */
export interface HookDecl {
  kind: HookKind;
  /** Event type or filter/gate name, lowercase dotted; may end in `*` (actions only). */
  name: string;
  /** Lower runs first. @default 10 */
  priority: number;
}

/** One `routes:` entry such as `"POST /notify"`. */
export interface RouteDecl {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  /** Path beginning with `/`, relative to `/v1/plugins/<id>/routes`. */
  path: string;
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
  /** The settings schema, normalized to JSON Schema (see `config_schema.ts`). */
  config: ConfigRootSchema;
  limits: Limits;
  dependencies: { plugins: Record<string, string> };
  conflicts: string[];
}
