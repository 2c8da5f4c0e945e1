/** The grammar of `permissions:` as a whole: keys, lists and entries (host-independent). */

import { isPermissionKind, KIND_NAMES, PERMISSION_KINDS, REFUSED_KINDS } from "./kinds.ts";
import type { Permissions, Problem } from "./types.ts";

/** Options of {@linkcode checkPermissions}. */
export interface CheckPermissionsOptions {
  /** Field path prefix in problems. @default "permissions" */
  field?: string;
  /**
   * Accept empty lists and repeated entries, which ask for nothing more: stored and posted grants
   * may carry them. A manifest refuses both (an empty list reads like a bare `--allow-x`).
   * @default false
   */
  lenientLists?: boolean;
}

/** What {@linkcode checkPermissions} found. */
export interface CheckedPermissions {
  /** Every problem, in key and entry order (empty when the value is valid). */
  problems: Problem[];
  /** The lists without any problem (empty lists dropped). */
  permissions: Permissions;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `the ${typeof v} ${String(v)}`;
}

function hasControlChar(s: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s);
}

/**
 * Checks a `permissions:` value against the grammar every plugd uses: known keys, non-empty
 * lists of unique strings without commas (Deno splits flag values on them) or control
 * characters, and each entry through its kind's `entryProblem`. Lists every problem.
 *
 * @example
 * ```ts
 * checkPermissions({ net: ["localhost"], env: ["LD_PRELOAD"] }).problems.map((p) => p.field);
 * // ["permissions.net[0]", "permissions.env[0]"]
 * ```
 */
export function checkPermissions(
  value: unknown,
  options: CheckPermissionsOptions = {},
): CheckedPermissions {
  const { field = "permissions", lenientLists = false } = options;
  const problems: Problem[] = [];
  const permissions: Permissions = {};
  if (value === undefined || value === null) return { problems, permissions };
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({
      field,
      message: `must be a mapping like { net: ["api.example.com:443"] }; got ${typeName(value)}`,
    });
    return { problems, permissions };
  }
  for (const [key, list] of Object.entries(value)) {
    const at = `${field}.${key}`;
    if (!isPermissionKind(key)) {
      const why = REFUSED_KINDS[key] ??
        `is not a permission plugd knows; remove it or use one of: ${KIND_NAMES.join(", ")}`;
      problems.push({ field: at, message: `${JSON.stringify(key)}: ${why}` });
      continue;
    }
    const before = problems.length;
    const entries = checkList(key, list, at, lenientLists, problems);
    if (entries !== undefined && problems.length === before && entries.length > 0) {
      permissions[key] = entries;
    }
  }
  return { problems, permissions };
}

function checkList(
  kind: keyof typeof PERMISSION_KINDS,
  list: unknown,
  at: string,
  lenient: boolean,
  problems: Problem[],
): string[] | undefined {
  const spec = PERMISSION_KINDS[kind];
  if (!Array.isArray(list)) {
    problems.push({
      field: at,
      message: `must be a list like ${spec.example}; got ${typeName(list)}`,
    });
    return undefined;
  }
  if (list.length === 0 && !lenient) {
    problems.push({
      field: at,
      message: "is empty; omit the key to ask for nothing (plugd never emits a bare " +
        `--allow-${kind}, which would mean everything)`,
    });
    return undefined;
  }
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const message = entryMessage(kind, entry, lenient ? undefined : seen);
    if (message !== undefined) problems.push({ field: `${at}[${i}]`, message });
  });
  return list as string[];
}

function entryMessage(
  kind: keyof typeof PERMISSION_KINDS,
  entry: unknown,
  seen: Set<string> | undefined,
): string | undefined {
  const spec = PERMISSION_KINDS[kind];
  if (typeof entry !== "string" || entry === "") {
    return `must be a non-empty string like ${spec.example}; got ${typeName(entry)}`;
  }
  const q = JSON.stringify(entry);
  if (entry.includes(",")) return `${q} contains ","; write one entry per list item`;
  if (hasControlChar(entry)) return `${q} contains control characters; remove them`;
  if (seen?.has(entry)) return `${q} is listed twice; remove the duplicate`;
  seen?.add(entry);
  return spec.entryProblem(entry);
}
