/** Lifecycle changes in progress (`plugin_transitions`), written with the step they begin. */
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { PluginRecord } from "./types.ts";

/** An update switching versions (`switching`) or waiting for a wider grant (`awaiting_grant`). */
export interface UpdateTransition {
  kind: "update";
  pluginId: string;
  phase: "switching" | "awaiting_grant";
  from: string;
  to: string;
  /** The new version as it will be recorded, and what goes into the switch's batch. */
  detail: {
    candidate: Omit<PluginRecord, "granted">;
    diff: string;
    statements: InStatement[];
  };
  actor: string;
  startedAt: string;
}

/** An uninstall whose rows are gone and whose files are being removed. */
export interface UninstallTransition {
  kind: "uninstall";
  pluginId: string;
  phase: "removing";
  from: string;
  to: null;
  detail: { purge: boolean };
  actor: string;
  startedAt: string;
}

/** Any transition. */
export type Transition = UpdateTransition | UninstallTransition;

/** The INSERT (or replace) of `t`. */
export function putTransitionStatement(t: Transition): InStatement {
  return {
    sql: `INSERT INTO plugin_transitions (plugin_id, kind, phase, from_version, to_version,
            detail, actor, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (plugin_id) DO UPDATE SET kind = excluded.kind, phase = excluded.phase,
            from_version = excluded.from_version, to_version = excluded.to_version,
            detail = excluded.detail, actor = excluded.actor, started_at = excluded.started_at`,
    args: [
      t.pluginId,
      t.kind,
      t.phase,
      t.from,
      t.to,
      JSON.stringify(t.detail),
      t.actor,
      t.startedAt,
    ],
  };
}

/** The DELETE of `pluginId`'s transition. */
export function clearTransitionStatement(pluginId: string): InStatement {
  return { sql: "DELETE FROM plugin_transitions WHERE plugin_id = ?", args: [pluginId] };
}

/** Every transition in progress. */
export async function listTransitions(store: Store): Promise<Transition[]> {
  const rs = await store.execute("SELECT * FROM plugin_transitions ORDER BY plugin_id");
  return rs.rows.map((r) =>
    ({
      kind: String(r.kind),
      pluginId: String(r.plugin_id),
      phase: String(r.phase),
      from: String(r.from_version),
      to: r.to_version === null ? null : String(r.to_version),
      detail: JSON.parse(String(r.detail)),
      actor: String(r.actor),
      startedAt: String(r.started_at),
    }) as Transition
  );
}

/** The transition of `pluginId`, or null. */
export async function findTransition(store: Store, pluginId: string): Promise<Transition | null> {
  return (await listTransitions(store)).find((t) => t.pluginId === pluginId) ?? null;
}
