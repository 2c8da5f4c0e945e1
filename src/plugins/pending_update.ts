/**
 * An update that widens permissions waits, staged, while the current version keeps running:
 * granting the new request switches to it (health check and rollback as always), cancelling it
 * removes the staged version. Neither ever stops the running version before the new one is up.
 */
import { appendAudit, auditStatement } from "../audit/mod.ts";
import type { Permissions } from "../manifest/mod.ts";
import {
  assessRisks,
  describeDiff,
  diffPermissions,
  normalizePermissions,
  permissionsEqual,
} from "../permissions/mod.ts";
import type { Store } from "../store/mod.ts";
import { ConflictError } from "./errors.ts";
import { grantPlugin, requirePrivilegedConfirmed } from "./grant_plugin.ts";
import type { PluginContext } from "./plugin_context.ts";
import { getPlugin } from "./repository.ts";
import { removeVersion, type SwitchHost, switchVersion } from "./switch_version.ts";
import { clearTransitionStatement, findTransition, type UpdateTransition } from "./transitions.ts";

/** The pending update of `id` waiting for a grant, or null. */
export async function pendingUpdate(store: Store, id: string): Promise<UpdateTransition | null> {
  const t = await findTransition(store, id);
  return t?.kind === "update" && t.phase === "awaiting_grant" ? t : null;
}

/** `pending_update` in `GET /v1/plugins/{id}`: what a grant would switch to, or null. */
export async function pendingUpdateFacts(
  store: Store,
  id: string,
): Promise<Record<string, unknown> | null> {
  const t = await pendingUpdate(store, id);
  return t ? pendingUpdateView(t) : null;
}

function pendingUpdateView(t: UpdateTransition): Record<string, unknown> {
  const requested = t.detail.candidate.manifest.permissions;
  return {
    from: t.from,
    to: t.to,
    since: t.startedAt,
    requested,
    risks: assessRisks(requested),
    permissions_diff: t.detail.diff,
    grant: `plugd plugin grant ${t.pluginId}`,
    cancel: `plugd plugin update ${t.pluginId} --cancel`,
  };
}

/**
 * `POST /v1/plugins/{id}/grant`: with an update waiting, its request is what is granted, and
 * the grant switches to it; otherwise the installed version's request.
 */
export async function grantRequest(
  ctx: PluginContext,
  host: SwitchHost,
  id: string,
  permissions: unknown,
  actor: string,
  options: { confirmPrivileged?: boolean } = {},
): Promise<{ id: string; granted: Permissions; updated?: { from: string; to: string } }> {
  const pending = await pendingUpdate(ctx.store, id);
  if (!pending) return await grantPlugin(ctx, id, permissions, actor, options);
  return await grantPendingUpdate(ctx, host, pending, permissions, actor, options);
}

/** Grants the pending update's request and switches to it. */
export async function grantPendingUpdate(
  ctx: PluginContext,
  host: SwitchHost,
  t: UpdateTransition,
  permissions: unknown,
  actor: string,
  options: { confirmPrivileged?: boolean } = {},
): Promise<{ id: string; granted: Permissions; updated: { from: string; to: string } }> {
  const id = t.pluginId;
  const old = await getPlugin(ctx.store, id);
  const requested = t.detail.candidate.manifest.permissions;
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions)) {
    throw new ConflictError(
      `Body must be {"permissions": <the requested permissions>}; see pending_update in ` +
        `GET /v1/plugins/${id}`,
    );
  }
  if (!permissionsEqual(requested, permissions as Permissions)) {
    const diff = describeDiff(diffPermissions(requested, permissions as Permissions));
    throw new ConflictError(
      `The grant must equal what version ${t.to} of "${id}" requests (it waits for this grant ` +
        `to replace ${t.from}); differences: ${diff}`,
    );
  }
  requirePrivilegedConfirmed(id, requested, options);
  const granted = normalizePermissions(requested);
  // The operator's decision is audited on its own row (a batch carries one audit row); the
  // switch that follows is audited as an update, or as a rollback if the new version fails.
  await appendAudit(ctx.store, {
    actor,
    action: "plugin.grant",
    target: id,
    result: "ok",
    detail: { version: t.to, permissions: granted, replaces: t.from },
  });
  await switchVersion(ctx, host, {
    old,
    candidate: { ...t.detail.candidate, state: old.state, updatedAt: new Date().toISOString() },
    granted,
    statements: t.detail.statements,
    actor,
    diff: t.detail.diff,
  });
  return { id, granted, updated: { from: t.from, to: t.to } };
}

/** Withdraws the pending update of `id`: its staged version is removed; nothing else changes. */
export async function cancelUpdate(
  ctx: PluginContext,
  id: string,
  actor: string,
): Promise<{ id: string; cancelled: { from: string; to: string } }> {
  await getPlugin(ctx.store, id); // 404 for unknown plugins
  const t = await findTransition(ctx.store, id);
  if (!t || t.kind !== "update") {
    throw new ConflictError(`Plugin "${id}" has no update waiting; nothing to cancel`);
  }
  if (t.phase !== "awaiting_grant") {
    throw new ConflictError(`Plugin "${id}" is switching to ${t.to} right now; try again`);
  }
  await ctx.store.write(async () => ({
    statements: [
      clearTransitionStatement(id),
      await auditStatement(ctx.store, {
        actor,
        action: "plugin.update.cancel",
        target: id,
        result: "ok",
        detail: { from: t.from, to: t.to, permissions: t.detail.diff },
      }),
    ],
  }));
  await removeVersion(ctx, id, t.to);
  return { id, cancelled: { from: t.from, to: t.to } };
}
