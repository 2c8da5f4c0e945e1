/**
 * Changes to published versions and plugins after the fact: yank (hidden from resolution,
 * still downloadable by exact version), deprecate (a message shown on install), and the admin
 * decisions (approve or reject a version under review, ban a version or a whole plugin,
 * feature a plugin). Each refreshes the listing and is audited in the same batch.
 */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";
import { refreshPluginStatement, relistStatement } from "./plugin_summary.ts";
import type { Principal } from "./types.ts";

/** One change to a version. */
export type VersionChange =
  | { kind: "yank"; reason: string | null }
  | { kind: "unyank" }
  | { kind: "deprecate"; message: string | null }
  | { kind: "approve" }
  | { kind: "reject"; reason: string }
  | { kind: "ban"; reason: string };

const ADMIN_ONLY = new Set(["approve", "reject", "ban"]);

/** Throws 404 for an unknown plugin, 403 unless `principal` is an admin or its publisher. */
export async function assertOwner(store: Store, id: string, principal: Principal): Promise<void> {
  const rs = await store.execute({ sql: "SELECT publisher FROM plugins WHERE id = ?", args: [id] });
  const row = rs.rows[0];
  if (!row) throw new HttpError(404, `No plugin "${id}" in this registry`);
  if (principal.kind === "admin") return;
  if (principal.kind !== "publisher" || String(row.publisher) !== principal.subject) {
    throw new HttpError(403, `Plugin "${id}" belongs to publisher "${row.publisher}"`);
  }
}

/** Applies `change` to `id@version` (publisher: yank/unyank/deprecate; admin: all). */
export function changeVersion(
  store: Store,
  id: string,
  version: string,
  change: VersionChange,
  principal: Principal,
  actor: string,
): Promise<Record<string, unknown>> {
  return store.write(async () => {
    if (ADMIN_ONLY.has(change.kind) && principal.kind !== "admin") {
      throw new HttpError(403, `Only a registry admin may ${change.kind} a version`);
    }
    await assertOwner(store, id, principal);
    const rs = await store.execute({
      sql: `SELECT status, yanked_at, banned_at, manifest, permissions, published_at
            FROM versions WHERE plugin_id = ? AND version = ?`,
      args: [id, version],
    });
    const row = rs.rows[0];
    if (!row) throw new HttpError(404, `No version ${version} of "${id}"`);
    const now = new Date().toISOString();
    const update = versionUpdate(change, now);
    const after = {
      status: change.kind === "approve"
        ? "published"
        : change.kind === "reject"
        ? "rejected"
        : String(row.status),
      yanked: change.kind === "yank" || (change.kind !== "unyank" && row.yanked_at !== null),
      banned: change.kind === "ban" || row.banned_at !== null,
    };
    const visible = after.status === "published" && !after.yanked && !after.banned;
    const facts = {
      version,
      manifest: String(row.manifest),
      permissions: String(row.permissions),
      published_at: String(row.published_at),
    };
    return {
      statements: [
        {
          sql: `UPDATE versions SET ${update.set} WHERE plugin_id = ? AND version = ?`,
          args: [...update.args, id, version],
        },
        await refreshPluginStatement(store, id, visible ? { add: facts } : { drop: version }),
        await auditStatement(store, {
          actor,
          action: `version.${change.kind}`,
          target: `${id}@${version}`,
          result: "ok",
          detail: change,
        }),
      ],
      value: { id, version, ...change },
    };
  });
}

function versionUpdate(
  change: VersionChange,
  now: string,
): { set: string; args: (string | null)[] } {
  switch (change.kind) {
    case "yank":
      return { set: "yanked_at = ?, yank_reason = ?", args: [now, change.reason] };
    case "unyank":
      return { set: "yanked_at = NULL, yank_reason = NULL", args: [] };
    case "deprecate":
      return { set: "deprecated = ?", args: [change.message || null] };
    case "approve":
      return { set: "status = 'published', review_reason = NULL", args: [] };
    case "reject":
      return { set: "status = 'rejected', review_reason = ?", args: [change.reason] };
    case "ban":
      return { set: "banned_at = ?, ban_reason = ?", args: [now, change.reason] };
  }
}

/** One change to a whole plugin. */
export type PluginChange =
  | { kind: "deprecate"; message: string | null }
  | { kind: "ban"; reason: string }
  | { kind: "unban" }
  | { kind: "feature"; rank: number }
  | { kind: "listing"; categories?: string[]; tags?: string[]; homepage?: string | null };

/** Applies `change` to plugin `id` (publisher: deprecate, listing; admin: all). */
export function changePlugin(
  store: Store,
  id: string,
  change: PluginChange,
  principal: Principal,
  actor: string,
): Promise<Record<string, unknown>> {
  return store.write(async () => {
    if (["ban", "unban", "feature"].includes(change.kind) && principal.kind !== "admin") {
      throw new HttpError(403, `Only a registry admin may ${change.kind} a plugin`);
    }
    await assertOwner(store, id, principal);
    const now = new Date().toISOString();
    const statements: InStatement[] = [];
    const set = (sql: string, ...args: (string | number | null)[]) =>
      statements.push({ sql: `UPDATE plugins SET ${sql} WHERE id = ?`, args: [...args, id] });
    switch (change.kind) {
      case "deprecate":
        set("deprecated = ?", change.message || null);
        break;
      case "ban":
        set("banned_at = ?, ban_reason = ?", now, change.reason);
        break;
      case "unban":
        set("banned_at = NULL, ban_reason = NULL");
        break;
      case "feature":
        set("featured = ?", change.rank);
        break;
      case "listing":
        if (change.tags) set("tags = ?", change.tags.join(" "));
        if (change.homepage !== undefined) set("homepage = ?", change.homepage);
        if (change.categories) {
          set("categories = ?", JSON.stringify(change.categories));
          statements.push(
            { sql: "DELETE FROM plugin_categories WHERE plugin_id = ?", args: [id] },
            ...change.categories.map((c) => ({
              sql: "INSERT INTO plugin_categories (plugin_id, category) VALUES (?, ?)",
              args: [id, c],
            })),
          );
        }
        break;
    }
    if (change.kind === "ban" || change.kind === "unban") statements.push(relistStatement(id));
    statements.push(
      await auditStatement(store, {
        actor,
        action: `plugin.${change.kind}`,
        target: id,
        result: "ok",
        detail: change,
      }),
    );
    return { statements, value: { id, ...change } };
  });
}
