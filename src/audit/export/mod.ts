/** Audit export: JSON lines to a file (rotated), syslog (RFC 5424) or journald, with chain hashes. */
export { AuditExporter, type AuditExporterOptions, createExportTarget } from "./audit_exporter.ts";
export { FileTarget, type FileTargetOptions } from "./file_target.ts";
export { parseSyslogUrl, syslogMessage, SyslogTarget } from "./syslog_target.ts";
export { JOURNAL_SOCKET, JournaldTarget, journalEntry } from "./journald_target.ts";
export { exportLine, type ExportTarget } from "./types.ts";
