/** Tenants: the registry and the tenant-id grammar (per-tenant plugin data lives in plugins). */
export { type Tenant, TenantRegistry } from "./tenant_registry.ts";
export { TENANT_ID_PATTERN, tenantIdProblem } from "./tenant_id.ts";
export { TenantConflictError, TenantNotFoundError, UnknownTenantError } from "./errors.ts";
