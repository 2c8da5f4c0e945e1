/** Errors of the tenant registry; the API maps them by `name`. */

/** An event, task, filter or gate names a tenant the registry does not know (HTTP 400). */
export class UnknownTenantError extends Error {
  override name = "UnknownTenantError";
}

/** `DELETE /v1/tenants/{id}` or a per-tenant setting of a tenant that does not exist (404). */
export class TenantNotFoundError extends Error {
  override name = "TenantNotFoundError";
}

/** A tenant added twice, or a per-tenant change that contradicts the plugin's scope (409). */
export class TenantConflictError extends Error {
  override name = "TenantConflictError";
}
