/** Validation of `permissions:`. Private to src/manifest: the grammar is src/permissions'. */
import { checkPermissions, isPermissionKind, PERMISSION_KINDS } from "../permissions/mod.ts";
import type { Permissions } from "./types.ts";
import { isRecord, type Problems } from "./_fields.ts";

/**
 * Validates `permissions:` with the one permission grammar; returns only the valid lists. Kinds
 * derived from other sections (`ui`, `public`, `privileged`) are refused here: they are declared
 * there.
 */
export function validatePermissions(v: unknown, p: Problems): Permissions {
  const derived = isRecord(v)
    ? Object.keys(v).filter((k) => isPermissionKind(k) && PERMISSION_KINDS[k].derivedFrom)
    : [];
  for (const key of derived) {
    const from = PERMISSION_KINDS[key as keyof typeof PERMISSION_KINDS].derivedFrom;
    p.push({
      field: `permissions.${key}`,
      message: `is not written by hand: plugd derives it from ${from}; remove this key`,
    });
  }
  const rest = derived.length
    ? Object.fromEntries(Object.entries(v as object).filter(([k]) => !derived.includes(k)))
    : v;
  const { problems, permissions } = checkPermissions(rest);
  p.push(...problems);
  return permissions;
}
