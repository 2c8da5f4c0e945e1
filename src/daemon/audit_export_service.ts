/** The audit export, as a daemon service (none when no target is configured). */
import { AuditExporter, createExportTarget } from "../audit/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Store } from "../store/mod.ts";
import type { DaemonLog, DaemonService } from "./daemon.ts";

/** Builds the exporter for `config.auditExport`; a bad target fails the start, naming it. */
export function auditExportService(config: Config, store: Store, log: DaemonLog): DaemonService[] {
  const { targets, maxBytes, keep } = config.auditExport;
  if (targets.length === 0) return [];
  const exporter = new AuditExporter(
    store,
    targets.map((spec) =>
      createExportTarget(spec, { stateDir: config.stateDir, file: { maxBytes, keep } })
    ),
    { log },
  );
  log(`audit export to ${targets.join(", ")}`);
  return [{ start: () => Promise.resolve(exporter.start()), stop: () => exporter.stop() }];
}
