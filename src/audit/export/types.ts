/** Audit export targets: where exported audit rows go. */
import type { AuditRow } from "../audit_log.ts";

/** One destination of the audit export. */
export interface ExportTarget {
  /** Stable name, e.g. `file:/var/log/plugd/audit.jsonl`; keys the export cursor. */
  readonly name: string;
  /** Writes rows in order; resolves once they are handed over durably (file) or sent. */
  write(rows: AuditRow[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * One exported line: the stored row as JSON, with its chain hash (`prev_hash`, `hash`), so a
 * verifier can recompute the chain from the export alone.
 */
export function exportLine(row: AuditRow): string {
  return JSON.stringify({
    seq: row.seq,
    ts: row.ts,
    actor: row.actor,
    action: row.action,
    target: row.target,
    result: row.result,
    detail: row.detail,
    prev_hash: row.prev_hash,
    hash: row.hash,
  });
}
