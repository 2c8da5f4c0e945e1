/**
 * The one table of permission kinds. Adding a kind is a change here plus one file implementing
 * {@linkcode PermissionKindSpec}: the manifest validator, the grant check, the risk levels, the
 * Deno flags and the docs' key list all read this table.
 *
 * @module
 */

import type { PermissionKindSpec } from "./kind_spec.ts";
import { NET } from "./kind_net.ts";
import { READ, RUN, WRITE } from "./kind_paths.ts";
import { EMIT, ENV, SYS } from "./kind_small.ts";
import { PUBLIC, UI } from "./kind_surfaces.ts";
import { DB } from "./kind_db.ts";
import { PRIVILEGED } from "./kind_privileged.ts";

/** Every permission kind, in canonical order (the order of risks, diffs and `plugin.yaml` docs). */
export const PERMISSION_KINDS = {
  net: NET,
  read: READ,
  write: WRITE,
  env: ENV,
  sys: SYS,
  run: RUN,
  emit: EMIT,
  ui: UI,
  public: PUBLIC,
  db: DB,
  privileged: PRIVILEGED,
} as const satisfies Record<string, PermissionKindSpec>;

/** A permission key such as `net`. */
export type PermissionKind = keyof typeof PERMISSION_KINDS;

/** The permission keys in canonical order. */
export const KIND_NAMES: readonly PermissionKind[] = Object.keys(
  PERMISSION_KINDS,
) as PermissionKind[];

/** Whether `key` names a permission kind. */
export function isPermissionKind(key: string): key is PermissionKind {
  return Object.hasOwn(PERMISSION_KINDS, key);
}

/** Keys people try that are never grantable, with the reason shown to them. */
export const REFUSED_KINDS: Readonly<Record<string, string>> = {
  ffi: "native code can escape every wall; plugd never grants it. Remove the ffi key",
  all: "plugd grants permissions one kind at a time; list what the plugin needs under " +
    KIND_NAMES.join(", "),
  import: "plugins may import only their own files and the SDK; remove the import key",
  hrtime: "high-resolution time is not grantable; remove the hrtime key",
};
