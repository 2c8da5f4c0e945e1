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
export { type AuditFilter, queryAudit } from "./audit_query.ts";
export {
  AuditExporter,
  createExportTarget,
  exportLine,
  type ExportTarget,
  syslogMessage,
} from "./export/mod.ts";
