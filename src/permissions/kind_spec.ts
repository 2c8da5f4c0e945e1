/** The shape every permission kind implements (see `kinds.ts`, the one table of kinds). */

import type { HostPaths, PluginView, RiskLevel } from "./types.ts";

/** Deno's `--allow-*` flags a kind may map onto. */
export type DenoAllowFlag = "env" | "net" | "read" | "run" | "sys" | "write";

/**
 * One permission kind: its grammar (host-independent), its host rules, its risk and its flag.
 * Messages say what is wrong and how to fix it; they never repeat the field name.
 */
export interface PermissionKindSpec {
  /** An example list for messages, e.g. `["api.example.com:443"]`. */
  readonly example: string;
  /** The Deno flag it maps onto; absent when the daemon enforces the kind itself (e.g. `emit`). */
  readonly denoFlag?: DenoAllowFlag;
  /**
   * Set for kinds whose entries the manifest derives from another section (`ui`, `public`,
   * `privileged`): a
   * `permissions:` key of that kind is refused with this as the place to declare it instead.
   */
  readonly derivedFrom?: string;
  /**
   * Why `entry` is malformed or never grantable anywhere, or `undefined` when it is valid. Pure
   * and host-independent: the manifest validator and the grant check both call it. The entry is
   * a non-empty string without commas or control characters (the list rules check that first).
   */
  entryProblem(entry: string): string | undefined;
  /** Why a valid `entry` is not grantable on this host (state dir, daemon port, ...). */
  hostProblem?(entry: string, host: HostPaths): string | undefined;
  /** Risk level and reason of a valid `entry`. */
  risk(entry: string): [RiskLevel, string];
  /** The flag value of a valid `entry` as the plugin process sees it. @default the entry */
  flagValue?(entry: string, view: PluginView): string;
}
