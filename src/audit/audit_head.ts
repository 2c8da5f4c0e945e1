import type { Store } from "../store/mod.ts";
import { type AuditVerification, verifyAudit } from "./verify_audit.ts";

/** The head as recorded by the `audit_head` table (migration 005), or null when empty. */
export async function readAuditHead(store: Store): Promise<{ seq: number; hash: string } | null> {
  const rs = await store.execute("SELECT seq, hash FROM audit_head WHERE id = 1");
  const row = rs.rows[0];
  return row ? { seq: Number(row.seq), hash: String(row.hash) } : null;
}

/**
 * Walks the chain ({@linkcode verifyAudit}) and then compares its end with the recorded head,
 * which detects deleted LAST rows (tail truncation) that the chain alone cannot show.
 * `brokenAt` is then the first missing seq.
 */
export async function verifyAuditWithHead(store: Store): Promise<AuditVerification> {
  const chain = await verifyAudit(store);
  if (!chain.ok) return chain;
  const head = await readAuditHead(store);
  const last = await store.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  const lastSeq = Number(last.rows[0]?.seq ?? 0);
  const lastHash = last.rows[0] ? String(last.rows[0].hash) : null;
  if (!head) {
    if (lastSeq === 0) return chain;
    return { ok: false, rows: chain.rows, brokenAt: lastSeq, reason: "audit head missing" };
  }
  if (lastSeq < head.seq) {
    return {
      ok: false,
      rows: chain.rows,
      brokenAt: lastSeq + 1,
      reason: `rows ${lastSeq + 1}..${head.seq} deleted (the recorded head is seq ${head.seq})`,
    };
  }
  if (lastSeq !== head.seq || lastHash !== head.hash) {
    return {
      ok: false,
      rows: chain.rows,
      brokenAt: head.seq,
      reason: `chain end (seq ${lastSeq}) differs from the recorded head (seq ${head.seq})`,
    };
  }
  return chain;
}
