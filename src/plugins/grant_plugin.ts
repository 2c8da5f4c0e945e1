import { auditStatement } from "../audit/mod.ts";
import type { Permissions } from "../manifest/mod.ts";
import {
  describeDiff,
  diffPermissions,
  normalizePermissions,
  permissionsEqual,
} from "../permissions/mod.ts";
import { ConflictError } from "./errors.ts";
import type { PluginContext } from "./plugin_context.ts";
import { getPlugin } from "./repository.ts";

/**
 * Records the operator's approval. The grant must equal the request exactly: approving less
 * would start a plugin that fails at run time, approving more is never allowed. `privileged`
 * (root on the host) is never part of a bundle: it also needs `confirmPrivileged`.
 */
export async function grantPlugin(
  ctx: PluginContext,
  id: string,
  permissions: unknown,
  actor: string,
  options: { confirmPrivileged?: boolean } = {},
): Promise<{ id: string; granted: Permissions }> {
  const plugin = await getPlugin(ctx.store, id);
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions)) {
    throw new ConflictError(
      `Body must be {"permissions": <the requested permissions>}; see GET /v1/plugins/${id}`,
    );
  }
  const requested = plugin.manifest.permissions;
  const offered = permissions as Permissions;
  if (!permissionsEqual(requested, offered)) {
    const diff = describeDiff(diffPermissions(requested, offered));
    throw new ConflictError(
      `The grant must equal the permissions plugin "${id}" requests; differences: ${diff}. ` +
        `Review them with "plugd plugin info ${id}" and grant exactly those`,
    );
  }
  requirePrivilegedConfirmed(id, requested, options);
  const granted = normalizePermissions(requested);
  await ctx.store.write(async () => ({
    statements: [
      {
        sql:
          `INSERT INTO grants (plugin_id, permissions, granted_by, granted_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (plugin_id) DO UPDATE SET permissions = excluded.permissions,
                granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
        args: [id, JSON.stringify(granted), actor, new Date().toISOString()],
      },
      await auditStatement(ctx.store, {
        actor,
        action: "plugin.grant",
        target: id,
        result: "ok",
        detail: { version: plugin.version, permissions: granted },
      }),
    ],
  }));
  return { id, granted };
}

/**
 * Refuses a grant that includes `privileged` (root on the host) unless the operator confirmed
 * that on its own (`confirm_privileged`), for a fresh grant and an update's grant alike.
 */
export function requirePrivilegedConfirmed(
  id: string,
  requested: Permissions,
  options: { confirmPrivileged?: boolean },
): void {
  if ((requested.privileged ?? []).length === 0 || options.confirmPrivileged === true) return;
  throw new ConflictError(
    `Plugin "${id}" asks to run as ROOT on this host (privileged, critical risk). That is ` +
      `never granted along with other permissions: confirm it on its own with ` +
      `{"confirm_privileged": true} ("plugd plugin grant ${id} --privileged")`,
  );
}
