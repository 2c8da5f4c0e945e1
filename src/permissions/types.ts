/** Types of the permission area: how a grant becomes Deno flags, and how risky it is. */

/** Risk level of one requested permission (SPEC §4). */
export type RiskLevel = "low" | "medium" | "high" | "critical";

/** The risk of one requested permission entry, shown to the operator at install/grant. */
export interface Risk {
  /** Permission key: `net`, `read`, `write`, `env`, `sys`, `run`, `emit`. */
  kind: string;
  /** The entry as written in the manifest, e.g. `$DATA` or `api.example.com:443`. */
  value: string;
  level: RiskLevel;
  /** Why it has that level, in a few words. */
  reason: string;
}

/** Absolute host paths and facts the mapping needs; all paths absolute and normalized. */
export interface HostPaths {
  /** The plugin's installed (read-only) folder: what `$PLUGIN` expands to. */
  pluginDir: string;
  /** The plugin's private writable folder: `$DATA`. */
  dataDir: string;
  /** The plugin's private temp folder: `$TMP`. */
  tmpDir: string;
  /** The daemon's state dir: nothing under it is grantable except the three folders above. */
  stateDir: string;
  /**
   * Further never-grantable paths (DB file, master key, socket, other plugins' folders); neither
   * they, anything inside them nor any parent of them is grantable. An entry that holds one of
   * the plugin's own folders (e.g. the parent of every plugin's `$TMP`) still lets that own
   * folder be granted, but nothing else inside it.
   */
  forbiddenPaths: string[];
  /** The daemon's own HTTP port: never grantable on any host. */
  daemonPort: number;
  /** The generated bootstrap module that `deno run` starts (imports the entry statically). */
  bootstrap: string;
  /** The generated import map (maps `@plugd/sdk` to the SDK folder). */
  importMap: string;
}
