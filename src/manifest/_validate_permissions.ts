/** Validation of `permissions:`. Private to src/manifest: the grammar is src/permissions'. */
import { checkPermissions } from "../permissions/mod.ts";
import type { Permissions } from "./types.ts";
import type { Problems } from "./_fields.ts";

/** Validates `permissions:` with the one permission grammar; returns only the valid lists. */
export function validatePermissions(v: unknown, p: Problems): Permissions {
  const { problems, permissions } = checkPermissions(v);
  p.push(...problems);
  return permissions;
}
