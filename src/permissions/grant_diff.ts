/** Compare grants: normalize, test equality, diff, detect widening on update, describe. */

import type { Permissions } from "./types.ts";
import { KIND_NAMES as KINDS } from "./kinds.ts";
import { sortedUnique } from "./_sort.ts";

/** What changed from one permission set to another. */
export interface PermissionsDiff {
  /** Entries in the second set that the first lacks. */
  added: Permissions;
  /** Entries in the first set that the second lacks. */
  removed: Permissions;
}

/**
 * Returns `p` with each list sorted (by code unit) and deduplicated, keys in canonical order,
 * and empty lists removed. Entries are compared as written (`$DATA/` and `$DATA` differ); keys
 * that are not permission kinds are dropped, so run {@linkcode grantProblems} first.
 *
 * @example
 * ```ts
 * normalizePermissions({ net: ["b", "a", "a"], read: [] }); // { net: ["a", "b"] }
 * ```
 */
export function normalizePermissions(p: Permissions): Permissions {
  const out: Permissions = {};
  for (const kind of KINDS) {
    const list = sortedUnique(p?.[kind] ?? []);
    if (list.length > 0) out[kind] = list;
  }
  return out;
}

/** True when both grant exactly the same entries (order, duplicates and empty lists ignored). */
export function permissionsEqual(a: Permissions, b: Permissions): boolean {
  return JSON.stringify(normalizePermissions(a)) === JSON.stringify(normalizePermissions(b));
}

/**
 * Diffs `before` → `after`. For a grant check call it as `(requested, granted)`; for an update as
 * `(oldGrant, newRequest)`. Both sides come back normalized.
 *
 * @example
 * ```ts
 * diffPermissions({ net: ["a:443"] }, { net: ["b:443"] });
 * // { added: { net: ["b:443"] }, removed: { net: ["a:443"] } }
 * ```
 */
export function diffPermissions(before: Permissions, after: Permissions): PermissionsDiff {
  const a = normalizePermissions(before);
  const b = normalizePermissions(after);
  const minus = (x: Permissions, y: Permissions): Permissions =>
    normalizePermissions(
      Object.fromEntries(KINDS.map((k) => [k, (x[k] ?? []).filter((v) => !y[k]?.includes(v))])),
    );
  return { added: minus(b, a), removed: minus(a, b) };
}

/**
 * True when `newPerms` has any entry `oldPerms` lacks, so an update must wait for a new grant.
 * Entries are compared as written: `$DATA/x` after `$DATA` counts as widening (conservative).
 */
export function isWidening(oldPerms: Permissions, newPerms: Permissions): boolean {
  return Object.keys(diffPermissions(oldPerms, newPerms).added).length > 0;
}

/**
 * One line for logs, audit entries and the CLI; `no changes` when the diff is empty.
 *
 * @example
 * ```ts
 * describeDiff({ added: { net: ["api.example.com:443"] }, removed: { read: ["$PLUGIN/x"] } });
 * // "net +api.example.com:443; read -$PLUGIN/x"
 * ```
 */
export function describeDiff(diff: PermissionsDiff): string {
  const added = normalizePermissions(diff.added);
  const removed = normalizePermissions(diff.removed);
  const parts = KINDS.flatMap((kind) => {
    const items = [
      ...(added[kind] ?? []).map((v) => `+${v}`),
      ...(removed[kind] ?? []).map((v) => `-${v}`),
    ];
    return items.length > 0 ? [`${kind} ${items.join(" ")}`] : [];
  });
  return parts.length > 0 ? parts.join("; ") : "no changes";
}
