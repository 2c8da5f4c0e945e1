/**
 * Per-plugin auto-update policies (`off` | `patch` | `minor`) and the updates already
 * announced or tried, so each new version is announced once and a broken one is not retried.
 */
import * as semver from "semver";
import type { Store } from "../store/mod.ts";

/** How far a plugin may be updated automatically. */
export type UpdatePolicy = "off" | "patch" | "minor";

/** Whether `text` is a policy. */
export function isUpdatePolicy(text: unknown): text is UpdatePolicy {
  return text === "off" || text === "patch" || text === "minor";
}

/** A plugin's policy (`off` when never set). */
export async function updatePolicyOf(store: Store, id: string): Promise<UpdatePolicy> {
  const rs = await store.execute({
    sql: "SELECT policy FROM update_policies WHERE plugin_id = ?",
    args: [id],
  });
  return (rs.rows[0]?.policy as UpdatePolicy | undefined) ?? "off";
}

/** Every plugin's policy that is not `off`. */
export async function updatePolicies(store: Store): Promise<Map<string, UpdatePolicy>> {
  const rs = await store.execute("SELECT plugin_id, policy FROM update_policies");
  return new Map(rs.rows.map((r) => [String(r.plugin_id), r.policy as UpdatePolicy]));
}

/**
 * Whether a policy lets `from` move to `to` on its own: `patch` within the same minor
 * (`1.4.2` → `1.4.9`), `minor` within the same major (`1.4.2` → `1.9.0`); never to a
 * prerelease, never down.
 */
export function policyAllows(policy: UpdatePolicy, from: string, to: string): boolean {
  if (policy === "off" || !semver.valid(from) || !semver.valid(to)) return false;
  if (semver.prerelease(to) !== null || !semver.gt(to, from)) return false;
  if (semver.major(to) !== semver.major(from)) return false;
  return policy === "minor" || semver.minor(to) === semver.minor(from);
}

/** The statement setting `id`'s policy (`off` removes it). */
export function setPolicyStatement(id: string, policy: UpdatePolicy, actor: string) {
  return policy === "off"
    ? { sql: "DELETE FROM update_policies WHERE plugin_id = ?", args: [id] }
    : {
      sql: `INSERT INTO update_policies (plugin_id, policy, set_by, set_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (plugin_id) DO UPDATE SET policy = excluded.policy,
              set_by = excluded.set_by, set_at = excluded.set_at`,
      args: [id, policy, actor, new Date().toISOString()],
    };
}

/** What happened with `id@version` before: noticed (null outcome) or its auto-update outcome. */
export async function noticeOf(
  store: Store,
  id: string,
  version: string,
): Promise<{ outcome: string | null } | null> {
  const rs = await store.execute({
    sql: "SELECT outcome FROM update_notices WHERE plugin_id = ? AND version = ?",
    args: [id, version],
  });
  const row = rs.rows[0];
  return row ? { outcome: row.outcome === null ? null : String(row.outcome) } : null;
}

/** The statement recording a notice or an outcome for `id@version`. */
export function noticeStatement(id: string, version: string, outcome: string | null) {
  return {
    sql: `INSERT INTO update_notices (plugin_id, version, noticed_at, outcome) VALUES (?, ?, ?, ?)
          ON CONFLICT (plugin_id, version) DO UPDATE SET
            outcome = coalesce(excluded.outcome, update_notices.outcome)`,
    args: [id, version, new Date().toISOString(), outcome],
  };
}
