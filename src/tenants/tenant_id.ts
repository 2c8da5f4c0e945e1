/** Tenant ids: the grammar every entry point checks before anything is looked up. */

/** A tenant id: lowercase letters, digits and `-`, 1 to 63 characters, starting alphanumeric. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Why `id` is not a tenant id, or null when it is one.
 *
 * @example
 * ```ts
 * tenantIdProblem("acme"); // null
 * tenantIdProblem("Acme Corp"); // "... lowercase ..."
 * ```
 */
export function tenantIdProblem(id: unknown): string | null {
  if (typeof id !== "string") return `a tenant id is a string; got ${JSON.stringify(id)}`;
  if (TENANT_ID_PATTERN.test(id)) return null;
  return `"${id.slice(0, 80)}" is not a tenant id: use 1-63 lowercase letters, digits and "-", ` +
    'starting with a letter or digit (e.g. "acme")';
}
