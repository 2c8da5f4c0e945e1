/**
 * The execution recorder: one record per call into a plugin (previews size-capped, secrets
 * redacted), written in batches; the usage rollups the charts read; retention of both.
 */
import { metrics } from "../metrics/mod.ts";
import type { Store } from "../store/mod.ts";
import {
  type ExecutionFilter,
  type ExecutionPage,
  getExecution,
  listExecutions,
} from "./execution_query.ts";
import { ExecutionWriter, type ExecutionWriterOptions } from "./execution_writer.ts";
import { NO_SECRETS, previewText, type Redaction, redactText } from "./preview.ts";
import type { CallFacts, CallOutcome, ExecutionRecord, ExecutionStatus } from "./types.ts";
import { type Step, UsageRollups } from "./usage_rollups.ts";
import { queryUsage, type Usage } from "./usage_query.ts";
import { PluginSeries } from "./plugin_series.ts";

/** How long records and rollups are kept. */
export interface Retention {
  /** Records older than this many days are deleted. @default 7 */
  days: number;
  /** At most this many records are kept (the oldest go first). @default 1000000 */
  maxRows: number;
  /** Usage rollups are kept this many days. @default 30 */
  usageDays: number;
  /** Write a record per call (usage rollups are kept either way). @default true */
  records?: boolean;
}

/** The defaults of {@linkcode Retention}. */
export const RETENTION_DEFAULTS: Retention = { days: 7, maxRows: 1_000_000, usageDays: 30 };

/** Options of {@linkcode ExecutionRecorder}. */
export interface RecorderOptions {
  retention?: Partial<Retention>;
  /** How often rollups are written. @default 5000 */
  flushMs?: number;
  /** How often old rows are trimmed. @default 60000 */
  trimMs?: number;
  /** Batching of records. */
  writer?: ExecutionWriterOptions;
  /** @default console.error */
  log?: (message: string) => void;
}

const DAY = 86_400_000;
/** Rows deleted per write while trimming, so a large trim never holds the writer long. */
const TRIM_CHUNK = 20_000;

const dropped = metrics.gauge(
  "plugd_execution_records_dropped_total",
  "Execution records dropped because the database fell behind",
);
const written = metrics.gauge("plugd_execution_records_written_total", "Execution records written");

/**
 * The status of a failed call from the error it threw (by name, so no runtime import is needed).
 *
 * @example
 * ```ts
 * statusOf({ name: "PluginTimeoutError" }); // "timeout"
 * ```
 */
export function statusOf(error: unknown): ExecutionStatus {
  switch ((error as { name?: string })?.name) {
    case "PluginTimeoutError":
      return "timeout";
    case "PluginExitedError":
      return "crashed";
    case "AbortError":
      return "cancelled";
    default:
      return "error";
  }
}

/** See the module doc. */
export class ExecutionRecorder {
  readonly usage: UsageRollups;
  /** The plugins' own series (`ctx.metrics`). */
  readonly series: PluginSeries;
  readonly retention: Retention;
  #store: Store;
  #writer: ExecutionWriter;
  #redactions = new Map<string, Redaction>();
  #log: (message: string) => void;
  #timers: ReturnType<typeof setInterval>[] = [];
  #flushMs: number;
  #trimMs: number;

  constructor(store: Store, options: RecorderOptions = {}) {
    this.#log = options.log ?? ((m) => console.error(`plugd: ${m}`));
    this.retention = { ...RETENTION_DEFAULTS, ...options.retention };
    const { days, maxRows, usageDays } = this.retention;
    if (!(days > 0) || !(usageDays > 0) || !Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(`retention must be positive; got ${JSON.stringify(this.retention)}`);
    }
    this.#store = store;
    this.#writer = new ExecutionWriter(store, { log: this.#log, ...options.writer });
    this.usage = new UsageRollups(store, this.#log);
    this.series = new PluginSeries(store);
    this.#flushMs = options.flushMs ?? 5000;
    this.#trimMs = options.trimMs ?? 60_000;
    metrics.onCollect(() => {
      const c = this.#writer.counts;
      dropped.set({}, c.dropped);
      written.set({}, c.written);
    });
  }

  /**
   * What previews of `plugin` hide (its secret settings' names and values). Values set before stay
   * hidden too (the most recent 64): a record of `onConfigChange` shows the old config.
   */
  setSecrets(plugin: string, redaction: Redaction): void {
    const before = this.#redactions.get(plugin)?.values ?? [];
    const values = [...new Set([...redaction.values, ...before])].slice(0, 64)
      .sort((a, b) => b.length - a.length);
    this.#redactions.set(plugin, { keys: redaction.keys, values });
  }

  /** Records one finished call. Cheap: the preview work is bounded and the write is batched. */
  record(facts: CallFacts, outcome: CallOutcome): void {
    this.usage.record(facts, outcome.startedAt, outcome.durationMs, outcome.status);
    if (this.retention.records === false) return;
    const redaction = this.#redactions.get(facts.plugin) ?? NO_SECRETS;
    this.#writer.add({
      plugin: facts.plugin,
      kind: facts.kind,
      name: facts.name,
      tenant: facts.tenant ?? null,
      status: outcome.status,
      attempt: facts.attempt ?? 1,
      startedAt: Math.round(outcome.startedAt),
      durationMs: Math.round(outcome.durationMs * 1000) / 1000,
      error: outcome.error === undefined ? null : redactText(outcome.error, redaction),
      input: previewText(facts.input, redaction),
      output: previewText(outcome.output, redaction),
      eventId: facts.eventId ?? null,
      taskId: facts.taskId ?? null,
      actor: facts.actor ?? null,
      detail: facts.detail ? JSON.stringify(facts.detail) : null,
    });
  }

  /** `GET /v1/executions`. */
  list(filter: ExecutionFilter): Promise<ExecutionPage> {
    return listExecutions(this.#store, filter);
  }

  /** `GET /v1/executions/{id}`. */
  get(id: number): Promise<ExecutionRecord | null> {
    return getExecution(this.#store, id);
  }

  /** `GET /v1/plugins/{id}/usage`. */
  async usageOf(
    plugin: string,
    options: { since: number; until: number; step: Step },
  ): Promise<Usage> {
    const usage = await queryUsage(this.#store, this.usage, plugin, options);
    await this.series.flush();
    return { ...usage, metrics: await this.series.query(plugin, options) };
  }

  /** Starts the periodic rollup writes and trims (trims once now). */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(
        () => void fn().catch((e) => this.#log(`executions: ${e.message}`)),
        ms,
      );
      Deno.unrefTimer(t);
      this.#timers.push(t);
    };
    every(this.#flushMs, () => Promise.all([this.usage.flush(), this.series.flush()]));
    every(this.#trimMs, () => this.trim());
    void this.trim().catch((e) => this.#log(`executions: ${e.message}`));
  }

  /** Stops the timers and writes what is waiting. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.#writer.drain();
    await this.usage.flush();
    await this.series.flush();
  }

  /** Writes what is waiting (tests and the bench read right after). */
  async flush(): Promise<void> {
    await this.#writer.drain();
    await this.usage.flush();
  }

  /** Forgets a plugin's redaction and pending rollups; with `purge`, deletes its records too. */
  async forget(plugin: string, purge: boolean): Promise<void> {
    this.#redactions.delete(plugin);
    this.series.forget(plugin);
    await this.usage.forget(plugin, purge);
    if (purge) {
      await this.#writer.drain();
      await this.#store.write(() => ({
        statements: [{ sql: "DELETE FROM executions WHERE plugin_id = ?", args: [plugin] }],
      }));
    }
  }

  /** Deletes records past the age or count limit and rollups past theirs. */
  async trim(now = Date.now()): Promise<number> {
    const { days, maxRows, usageDays } = this.retention;
    let deleted = 0;
    const top = await this.#store.execute("SELECT MAX(id) AS id FROM executions");
    // ids grow with every insert and rows go from the old end, so "id <= max - maxRows" keeps at
    // most maxRows (fewer after a purge made holes), without counting a million rows.
    const cap = Number(top.rows[0]?.id ?? 0) - maxRows;
    const doomed = `SELECT id FROM executions WHERE started_at < ? OR id <= ? LIMIT ${TRIM_CHUNK}`;
    const args = [now - days * DAY, cap];
    while (true) {
      const rs = await this.#store.execute({ sql: `SELECT COUNT(*) AS n FROM (${doomed})`, args });
      const count = Number(rs.rows[0]?.n ?? 0);
      if (count === 0) break;
      await this.#store.write(() => ({
        statements: [{ sql: `DELETE FROM executions WHERE id IN (${doomed})`, args }],
      }));
      deleted += count;
      if (count < TRIM_CHUNK) break;
    }
    await this.usage.prune(now - usageDays * DAY);
    return deleted;
  }
}
