/**
 * Writes execution records in batches, off the path of the calls they describe: rows wait in
 * memory (bounded) for up to `lingerMs` or until `batchRows` are queued, then go in one commit.
 * Records are observability, not state: when the database cannot keep up, the oldest waiting
 * rows are dropped and counted rather than slowing plugins down.
 */
import type { InStatement, InValue } from "@libsql/client";
import type { Store } from "../store/mod.ts";

/** One row of `executions`, ready to insert. */
export interface ExecutionRow {
  plugin: string;
  kind: string;
  name: string;
  tenant: string | null;
  status: string;
  attempt: number;
  startedAt: number;
  durationMs: number | null;
  error: string | null;
  input: string | null;
  output: string | null;
  eventId: string | null;
  taskId: string | null;
  actor: string | null;
  detail: string | null;
}

/** Options of {@linkcode ExecutionWriter}. */
export interface ExecutionWriterOptions {
  /** Longest a row waits before its batch is written. @default 200 */
  lingerMs?: number;
  /** Rows that start a write at once. @default 1000 */
  batchRows?: number;
  /** Rows kept waiting at most; older ones are dropped beyond it. @default 50000 */
  maxQueued?: number;
  /** @default console.error */
  log?: (message: string) => void;
}

const COLUMNS = "plugin_id, kind, name, tenant, status, attempt, started_at, duration_ms, " +
  "error, input, output, event_id, task_id, actor, detail";
const WIDTH = 15;
const ROWS_PER_STATEMENT = 100;

/** The INSERT statements of `rows` (multi-row, a few hundred parameters each). */
export function insertExecutionStatements(rows: ExecutionRow[]): InStatement[] {
  const out: InStatement[] = [];
  const one = `(${new Array(WIDTH).fill("?").join(", ")})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    out.push({
      sql: `INSERT INTO executions (${COLUMNS}) VALUES ${chunk.map(() => one).join(", ")}`,
      args: chunk.flatMap((r): InValue[] => [
        r.plugin,
        r.kind,
        r.name,
        r.tenant,
        r.status,
        r.attempt,
        r.startedAt,
        r.durationMs,
        r.error,
        r.input,
        r.output,
        r.eventId,
        r.taskId,
        r.actor,
        r.detail,
      ]),
    });
  }
  return out;
}

/** See the module doc. */
export class ExecutionWriter {
  #store: Store;
  #o: Required<ExecutionWriterOptions>;
  #queue: ExecutionRow[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> | null = null;
  #dropped = 0;
  #written = 0;

  constructor(store: Store, options: ExecutionWriterOptions = {}) {
    const {
      lingerMs = 200,
      batchRows = 1000,
      maxQueued = 50_000,
      log = (m) => console.error(`plugd: ${m}`),
    } = options;
    for (const [name, v] of Object.entries({ lingerMs, batchRows, maxQueued })) {
      if (!Number.isInteger(v) || v < (name === "lingerMs" ? 0 : 1)) {
        throw new RangeError(`${name} must be a positive integer; got ${v}`);
      }
    }
    this.#store = store;
    this.#o = { lingerMs, batchRows, maxQueued, log };
  }

  /** Rows dropped because the database fell behind, and rows written, since start. */
  get counts(): { dropped: number; written: number; queued: number } {
    return { dropped: this.#dropped, written: this.#written, queued: this.#queue.length };
  }

  /** Queues one row. */
  add(row: ExecutionRow): void {
    this.#queue.push(row);
    if (this.#queue.length > this.#o.maxQueued) {
      const over = this.#queue.length - this.#o.maxQueued;
      this.#queue.splice(0, over);
      this.#dropped += over;
    }
    if (this.#flushing) return; // the running flush loops until the queue is empty
    if (this.#queue.length >= this.#o.batchRows) this.#start();
    else this.#timer ??= setTimeout(() => this.#start(), this.#o.lingerMs);
  }

  /** Writes everything queued so far. */
  async drain(): Promise<void> {
    if (this.#queue.length > 0 && !this.#flushing) this.#start();
    while (this.#flushing) await this.#flushing;
  }

  #start(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#flushing ??= this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const rows = this.#queue.splice(0, this.#o.batchRows * 4);
        try {
          await this.#store.write(() => ({ statements: insertExecutionStatements(rows) }), {
            shareCommit: true,
            // Then ride along with the next commit (the intake's, usually) for a little longer.
            lingerMs: Math.min(this.#o.lingerMs, 50),
          });
          this.#written += rows.length;
        } catch (error) {
          this.#dropped += rows.length;
          this.#o.log(
            `could not write ${rows.length} execution records: ${(error as Error).message}`,
          );
        }
      }
    } finally {
      // Cleared in the same turn as the last emptiness check (see IntakeQueue).
      this.#flushing = null;
    }
  }
}
