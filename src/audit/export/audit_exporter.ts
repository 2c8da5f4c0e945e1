/** Follows the audit log and ships every row, in order, to each export target. */
import type { Store } from "../../store/mod.ts";
import { queryAudit } from "../audit_query.ts";
import { FileTarget, type FileTargetOptions } from "./file_target.ts";
import { JournaldTarget } from "./journald_target.ts";
import { SyslogTarget } from "./syslog_target.ts";
import type { ExportTarget } from "./types.ts";

/** Builds a target from its spec: `file:/abs/path`, `syslog+udp|tcp://host:port`, `journald[:socket]`. */
export function createExportTarget(
  spec: string,
  options: { stateDir: string; file?: FileTargetOptions },
): ExportTarget {
  if (spec.startsWith("file:")) return new FileTarget(spec.slice("file:".length), options.file);
  if (spec.startsWith("syslog+")) return new SyslogTarget(spec);
  if (spec === "journald" || spec.startsWith("journald:")) {
    return new JournaldTarget(spec, options.stateDir);
  }
  throw new RangeError(
    `Unknown audit export target "${spec}"; use file:/ABS/PATH, syslog+udp://HOST:PORT, ` +
      `syslog+tcp://HOST:PORT or journald`,
  );
}

/** Options of {@linkcode AuditExporter}. */
export interface AuditExporterOptions {
  /** How often to look for new rows when idle, ms. @default 500 */
  pollMs?: number;
  /** Rows per batch. @default 500 */
  batch?: number;
  /** @default console.error */
  log?: (message: string) => void;
}

/**
 * Exports every audit row to every target, oldest first, at least once: a target's cursor
 * (`audit_export_cursor`) advances only after its write succeeded, so a restart resumes where
 * it stopped and a failing target is retried (with backoff) without holding up the others.
 */
export class AuditExporter {
  #store: Store;
  #targets: ExportTarget[];
  #pollMs: number;
  #batch: number;
  #log: (message: string) => void;
  #stopped = false;
  #loops: Promise<void>[] = [];
  #wake = new Set<() => void>();

  constructor(store: Store, targets: ExportTarget[], options: AuditExporterOptions = {}) {
    const { pollMs = 500, batch = 500, log = (m) => console.error(`plugd: ${m}`) } = options;
    this.#store = store;
    this.#targets = targets;
    this.#pollMs = pollMs;
    this.#batch = batch;
    this.#log = log;
  }

  start(): void {
    this.#loops = this.#targets.map((t) => this.#run(t));
  }

  /** Exports what is there now, then stops (a short final flush). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const wake of this.#wake) wake();
    await Promise.allSettled(this.#loops);
    await Promise.allSettled(this.#targets.map((t) => t.close()));
  }

  async #run(target: ExportTarget): Promise<void> {
    let cursor = await this.#cursor(target.name);
    let failures = 0;
    while (true) {
      let exported = 0;
      try {
        const rows = await queryAudit(this.#store, { afterSeq: cursor, limit: this.#batch });
        if (rows.length > 0) {
          await target.write(rows);
          cursor = rows.at(-1)!.seq;
          await this.#saveCursor(target.name, cursor);
          exported = rows.length;
        }
        if (failures > 0) this.#log(`audit export to ${target.name} works again`);
        failures = 0;
      } catch (error) {
        if (failures++ === 0 || failures % 60 === 0) {
          this.#log(
            `audit export to ${target.name} failed (will retry): ${(error as Error).message}`,
          );
        }
      }
      if (this.#stopped && (exported === 0 || failures > 0)) return;
      if (exported === this.#batch) continue;
      await this.#sleep(
        failures > 0 ? Math.min(30_000, this.#pollMs * 2 ** failures) : this.#pollMs,
      );
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake.add(done);
    });
  }

  async #cursor(target: string): Promise<number> {
    const rs = await this.#store.execute({
      sql: "SELECT seq FROM audit_export_cursor WHERE target = ?",
      args: [target],
    });
    return Number(rs.rows[0]?.seq ?? 0);
  }

  async #saveCursor(target: string, seq: number): Promise<void> {
    await this.#store.write(() => ({
      statements: [{
        sql: `INSERT INTO audit_export_cursor (target, seq, updated_at) VALUES (?, ?, ?)
              ON CONFLICT (target) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`,
        args: [target, seq, new Date().toISOString()],
      }],
    }));
  }
}
