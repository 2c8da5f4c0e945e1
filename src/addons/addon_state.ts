/** The `addon_state` rows: each system addon's own status beside its plugd state. */
import type { InStatement, Row } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { AddonState } from "./types.ts";

function toState(row: Row): AddonState {
  return {
    pluginId: String(row.plugin_id),
    status: String(row.status) as AddonState["status"],
    health: String(row.health) as AddonState["health"],
    message: String(row.message),
    reportedVersion: row.reported_version === null ? null : String(row.reported_version),
    details: JSON.parse(String(row.details)),
    checkedAt: row.checked_at === null ? null : String(row.checked_at),
    updatedAt: String(row.updated_at),
  };
}

/** A fresh addon's state: not installed, health unknown. */
export function initialAddonState(pluginId: string): AddonState {
  return {
    pluginId,
    status: "not_installed",
    health: "unknown",
    message: "",
    reportedVersion: null,
    details: {},
    checkedAt: null,
    updatedAt: new Date().toISOString(),
  };
}

/** Reads one addon's state, or null. */
export async function readAddonState(store: Store, pluginId: string): Promise<AddonState | null> {
  const rs = await store.execute({
    sql: "SELECT * FROM addon_state WHERE plugin_id = ?",
    args: [pluginId],
  });
  return rs.rows[0] ? toState(rs.rows[0]) : null;
}

/** Every addon's state. */
export async function listAddonStates(store: Store): Promise<AddonState[]> {
  const rs = await store.execute("SELECT * FROM addon_state ORDER BY plugin_id");
  return rs.rows.map(toState);
}

/** The upsert of one addon's state. */
export function addonStateStatement(s: AddonState): InStatement {
  return {
    sql: `INSERT INTO addon_state (plugin_id, status, health, message, reported_version, details,
            checked_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (plugin_id) DO UPDATE SET status = excluded.status,
            health = excluded.health, message = excluded.message,
            reported_version = excluded.reported_version, details = excluded.details,
            checked_at = excluded.checked_at,
            updated_at = excluded.updated_at`,
    args: [
      s.pluginId,
      s.status,
      s.health,
      s.message,
      s.reportedVersion,
      JSON.stringify(s.details),
      s.checkedAt,
      s.updatedAt,
    ],
  };
}
