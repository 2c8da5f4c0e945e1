import type { Store } from "../store/mod.ts";
import { type AuditRow, GENESIS_HASH, rowHash } from "./audit_log.ts";

/** Outcome of walking the chain. */
export type AuditVerification =
  | { ok: true; rows: number }
  | { ok: false; rows: number; brokenAt: number; reason: string };

/** Reads audit rows, oldest first. */
export async function readAudit(
  store: Store,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<AuditRow[]> {
  const { afterSeq = 0, limit = 1_000_000 } = options;
  const rs = await store.execute({
    sql: `SELECT seq, ts, actor, action, target, result, detail, prev_hash, hash
          FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
    args: [afterSeq, limit],
  });
  return rs.rows.map((r) => ({
    seq: Number(r.seq),
    ts: String(r.ts),
    actor: String(r.actor),
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    result: String(r.result),
    detail: r.detail === null ? null : JSON.parse(String(r.detail)),
    prev_hash: String(r.prev_hash),
    hash: String(r.hash),
  }));
}

/**
 * Walks the hash chain and reports the first broken link: an altered row (its hash no longer
 * matches its content), a deleted row (a gap in `seq` or a `prev_hash` that does not match).
 */
export async function verifyAudit(store: Store): Promise<AuditVerification> {
  const rows = await readAudit(store);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { ok: false, rows: rows.length, brokenAt: expectedSeq, reason: "row missing" };
    }
    if (row.prev_hash !== prevHash) {
      return { ok: false, rows: rows.length, brokenAt: row.seq, reason: "previous hash differs" };
    }
    if (await rowHash(row) !== row.hash) {
      return { ok: false, rows: rows.length, brokenAt: row.seq, reason: "row altered" };
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, rows: rows.length };
}
