/** `db`: a SQL database of the plugin's own, run by the daemon; the entry is its size quota. */

import type { PermissionKindSpec } from "./kind_spec.ts";

const SIZE = /^([1-9][0-9]{0,5})(MiB|GiB)$/;
/** The largest database quota a plugin may ask for. */
export const MAX_DB_QUOTA_BYTES = 64 * 1024 ** 3;
/** The quota plugd suggests (and its examples use). */
export const DEFAULT_DB_QUOTA = "100MiB";

/** Bytes of a size entry such as `"100MiB"`, or undefined when it is not one. */
export function parseDbSize(entry: string): number | undefined {
  const m = SIZE.exec(entry);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "GiB" ? 1024 ** 3 : 1024 ** 2);
}

/**
 * The quota a `db` grant gives, in bytes: the largest of its entries, or undefined without a
 * `db` grant.
 *
 * @example
 * ```ts
 * dbQuotaBytes(["100MiB"]); // 104857600
 * ```
 */
export function dbQuotaBytes(entries: readonly string[] | undefined): number | undefined {
  const sizes = (entries ?? []).map(parseDbSize).filter((n): n is number => n !== undefined);
  return sizes.length > 0 ? Math.max(...sizes) : undefined;
}

/** `db`: `ctx.db`, one libSQL file of at most the given size, reached only through the daemon. */
export const DB: PermissionKindSpec = {
  example: `["${DEFAULT_DB_QUOTA}"]`,
  entryProblem(entry) {
    const bytes = parseDbSize(entry);
    if (bytes === undefined) {
      return `"${entry}" is not a database size; write the quota like "${DEFAULT_DB_QUOTA}" or ` +
        '"2GiB"';
    }
    if (bytes > MAX_DB_QUOTA_BYTES) return `"${entry}" is over the largest quota, 64GiB`;
    return undefined;
  },
  risk: (entry) => [
    "medium",
    `keeps a SQL database of up to ${entry} under the state dir (run by the daemon)`,
  ],
};
