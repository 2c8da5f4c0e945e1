/** A task's tenant: kept as given until a tenant is registered, then checked on submission. */
import { TaskError } from "./types.ts";

/** What tasks need of the tenant registry. */
export interface TaskTenants {
  /** Whether any tenant is registered: until then a task's tenant is kept, not checked. */
  enforced(): Promise<boolean>;
  /** The tenant's id when it exists; else throws `UnknownTenantError` (a 400). */
  require(id: unknown, what?: string): Promise<string>;
  /** Whether plugin `pluginId` runs for `tenant`. */
  runsFor(pluginId: string, tenant: string): Promise<boolean>;
}

/**
 * A task's tenant must exist and its type's processor `pluginId` run for it (400, 409); nothing
 * is checked without `tenants` or before a tenant is registered.
 */
export async function checkTaskTenant(
  tenants: TaskTenants | null,
  tenant: string,
  processor: { pluginId: string; type: string },
): Promise<void> {
  const { pluginId, type } = processor;
  if (!tenants || !await tenants.enforced()) return; // kept as given, as before
  await tenants.require(tenant, "the task's tenant");
  if (!await tenants.runsFor(pluginId, tenant)) {
    throw new TaskError(
      409,
      `Plugin "${pluginId}" processes "${type}" but does not run for tenant "${tenant}"; ` +
        `enable it for the tenant: plugd plugin enable ${pluginId} --tenant ${tenant}`,
    );
  }
}
