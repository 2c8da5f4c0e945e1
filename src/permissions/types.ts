/** Types of the permission area: the grammar of a grant, its risks, and the host it is checked on. */

import type { PermissionKind } from "./kinds.ts";

export type { PermissionKind } from "./kinds.ts";

/** Permissions a plugin asks for (or was granted): one list of entries per kind. */
export type Permissions = { [K in PermissionKind]?: string[] };

/** One problem found while checking permissions (or, in the manifest area, a whole manifest). */
export interface Problem {
  /** Field path such as `permissions.net[0]`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Risk level of one requested permission. */
export type RiskLevel = "low" | "medium" | "high" | "critical";

/** The risk of one requested permission entry, shown to the operator at install/grant. */
export interface Risk {
  /** Permission key: `net`, `read`, `write`, `env`, `sys`, `run`, `emit`, ... */
  kind: string;
  /** The entry as written in the manifest, e.g. `$DATA` or `api.example.com:443`. */
  value: string;
  level: RiskLevel;
  /** Why it has that level, in a few words. */
  reason: string;
}

/**
 * What the daemon's host adds to the grammar: the places and the port that belong to this plugd
 * and are never grantable. All paths absolute and normalized.
 */
export interface HostPaths {
  /** The daemon's state dir. */
  stateDir: string;
  /**
   * Further never-grantable paths of this host (DB file, master key, socket, the install folder,
   * the runtime dir): neither they, anything inside them nor any parent of them is grantable.
   */
  forbiddenPaths: string[];
  /** The daemon's own HTTP port: never grantable on any host. */
  daemonPort: number;
}

/**
 * Where the plugin process sees its own folders and generated files: fixed paths inside the
 * sandbox (`/plugin`, `/data`, `/tmp`, ...), or the host paths in flags-only mode.
 */
export interface PluginView {
  /** What `$PLUGIN` expands to. */
  pluginDir: string;
  /** What `$DATA` expands to. */
  dataDir: string;
  /** What `$TMP` expands to. */
  tmpDir: string;
  /** The generated bootstrap module that `deno run` starts. */
  bootstrap: string;
  /** The generated import map (maps `@plugd/sdk` to the SDK). */
  importMap: string;
}
