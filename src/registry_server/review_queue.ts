/** The admin review queue: pending publishers, versions waiting for review, open flags. */
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";

/** Everything waiting for an admin, oldest first. */
export async function reviewQueue(store: Store): Promise<Record<string, unknown>> {
  const publishers = await store.execute(
    `SELECT name, display_name, namespaces, created_at FROM publishers
     WHERE status = 'pending' ORDER BY created_at`,
  );
  const versions = await store.execute(
    `SELECT v.plugin_id, v.version, v.review_reason, v.max_risk, v.permissions, v.published_at,
       p.publisher FROM versions v JOIN plugins p ON p.id = v.plugin_id
     WHERE v.status = 'pending' ORDER BY v.published_at`,
  );
  const flags = await store.execute(
    `SELECT id, plugin_id, version, reason, created_at FROM flags
     WHERE resolved_at IS NULL ORDER BY created_at`,
  );
  return {
    publishers: publishers.rows.map((r) => ({
      name: String(r.name),
      display_name: String(r.display_name),
      namespaces: JSON.parse(String(r.namespaces)),
      created_at: String(r.created_at),
    })),
    versions: versions.rows.map((r) => ({
      id: String(r.plugin_id),
      version: String(r.version),
      publisher: String(r.publisher),
      review_reason: String(r.review_reason ?? ""),
      max_risk: String(r.max_risk),
      permissions: JSON.parse(String(r.permissions)),
      published_at: String(r.published_at),
    })),
    flags: flags.rows.map((r) => ({
      id: Number(r.id),
      plugin_id: String(r.plugin_id),
      version: r.version === null ? null : String(r.version),
      reason: String(r.reason),
      created_at: String(r.created_at),
    })),
  };
}

/** Closes a flag with what was done about it; audited. */
export function resolveFlag(
  store: Store,
  flagId: number,
  resolution: string,
  actor: string,
): Promise<{ id: number; resolution: string }> {
  return store.write(async () => {
    const rs = await store.execute({
      sql: "SELECT plugin_id FROM flags WHERE id = ?",
      args: [flagId],
    });
    if (!rs.rows[0]) throw new HttpError(404, `No flag ${flagId}`);
    return {
      statements: [
        {
          sql: "UPDATE flags SET resolved_at = ?, resolution = ? WHERE id = ?",
          args: [new Date().toISOString(), resolution, flagId],
        },
        await auditStatement(store, {
          actor,
          action: "flag.resolve",
          target: String(flagId),
          result: "ok",
          detail: { plugin: String(rs.rows[0].plugin_id), resolution },
        }),
      ],
      value: { id: flagId, resolution },
    };
  });
}
