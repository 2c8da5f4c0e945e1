/** The hash-chained audit log. */
export {
  appendAudit,
  type AuditEntry,
  type AuditRow,
  auditStatement,
  GENESIS_HASH,
  rowHash,
} from "./audit_log.ts";
export { type AuditVerification, readAudit, verifyAudit } from "./verify_audit.ts";
export { readAuditHead, verifyAuditWithHead } from "./audit_head.ts";
