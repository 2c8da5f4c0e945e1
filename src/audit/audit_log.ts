import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";

/** One state-changing operation to record. */
export interface AuditEntry {
  /** `socket`, `token:<id>`, `daemon` or `cli`. */
  actor: string;
  /** Verb such as `plugin.install`, `plugin.grant`, `token.create`. */
  action: string;
  /** What it acted on, e.g. the plugin id. */
  target?: string;
  /** `ok`, `denied`, `failed`, ... */
  result: string;
  /** Extra facts as JSON; never secrets. */
  detail?: Record<string, unknown>;
}

/** A stored audit row. */
export interface AuditRow {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  result: string;
  detail: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

/** The hash the first row chains from. */
export const GENESIS_HASH = "0".repeat(64);

/** The hash of a row: sha256 over its previous hash and its fields in a fixed order. */
export async function rowHash(row: Omit<AuditRow, "hash">): Promise<string> {
  const text = JSON.stringify([
    row.prev_hash,
    row.seq,
    row.ts,
    row.actor,
    row.action,
    row.target,
    row.result,
    row.detail,
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Builds the INSERT for `entry`, chained to the last row. Call it inside `store.write()` so
 * the row lands in the same batch as the change it records and no other write interleaves.
 */
export async function auditStatement(store: Store, entry: AuditEntry): Promise<InStatement> {
  const last = await store.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  const prev = last.rows[0];
  const row = {
    seq: Number(prev?.seq ?? 0) + 1,
    ts: new Date().toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    result: entry.result,
    detail: entry.detail ?? null,
    prev_hash: prev ? String(prev.hash) : GENESIS_HASH,
  };
  const hash = await rowHash(row);
  return {
    sql: `INSERT INTO audit_log (seq, ts, actor, action, target, result, detail, prev_hash, hash)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      row.seq,
      row.ts,
      row.actor,
      row.action,
      row.target,
      row.result,
      row.detail === null ? null : JSON.stringify(row.detail),
      row.prev_hash,
      hash,
    ],
  };
}

/** Appends one entry on its own (for operations with no other row to change). */
export async function appendAudit(store: Store, entry: AuditEntry): Promise<void> {
  await store.write(async () => ({ statements: [await auditStatement(store, entry)] }));
}
