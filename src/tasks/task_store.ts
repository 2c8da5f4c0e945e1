/** SQL that changes tasks: submit (idempotent), claim, finish, cancel, release, crash recovery. */
import type { InStatement, InValue } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import { type AttemptStatus, type TaskAttempt, TaskError, type TaskStatus } from "./types.ts";
import { GroupWriter } from "./group_writer.ts";

/** Largest stored input or result (JSON characters). */
export const MAX_TASK_JSON = 256 * 1024;

/** A task's input as stored (JSON); over {@linkcode MAX_TASK_JSON} a 400 naming the fix. */
export function taskInputJson(input: unknown): string {
  const json = JSON.stringify(input ?? null);
  if (json.length > MAX_TASK_JSON) {
    throw new TaskError(
      400,
      `input is ${json.length} characters of JSON; the limit is ${MAX_TASK_JSON}. Pass a ` +
        `reference (a path or URL) to large data instead`,
    );
  }
  return json;
}

/** A new task. */
export interface NewTask {
  id: string;
  type: string;
  pluginId: string;
  tenant: string | null;
  priority: number;
  idempotencyKey: string | null;
  input: string;
  actor: string;
  createdAt: number;
}

/** Rows per multi-row INSERT (nine arguments a row; SQLite allows 32,766 per statement). */
const ROWS_PER_INSERT = 200;

const INSERT_HEAD =
  `INSERT INTO tasks (id, type, plugin_id, tenant, status, priority, idempotency_key,
  input, actor, created_at) VALUES `;
const INSERT_ROW = "(?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)";

/**
 * The INSERTs of new tasks: one statement per {@linkcode ROWS_PER_INSERT} rows, not one per task,
 * as the event intake writes its events. A batch goes to the store's writer thread as one message,
 * and each statement is an object to copy into it and a step of its own there.
 */
function insertStatements(tasks: NewTask[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < tasks.length; i += ROWS_PER_INSERT) {
    const chunk = tasks.slice(i, i + ROWS_PER_INSERT);
    const args: InValue[] = [];
    for (const t of chunk) {
      args.push(
        t.id,
        t.type,
        t.pluginId,
        t.tenant,
        t.priority,
        t.idempotencyKey,
        t.input,
        t.actor,
        t.createdAt,
      );
    }
    out.push({ sql: INSERT_HEAD + new Array(chunk.length).fill(INSERT_ROW).join(", "), args });
  }
  return out;
}

/**
 * Inserts tasks in group-committed batches. A task whose idempotency key was already used for its
 * type (stored, or earlier in the same batch) is not inserted: its answer is the first task's id.
 */
export function taskInserter(
  store: Store,
): GroupWriter<NewTask, { id: string; duplicate: boolean }> {
  return new GroupWriter(store, async (tasks) => {
    const keyed = tasks.filter((t) => t.idempotencyKey !== null);
    const known = new Map<string, string>();
    for (let i = 0; i < keyed.length; i += 200) {
      const chunk = keyed.slice(i, i + 200);
      const rs = await store.execute({
        sql: `SELECT id, type, idempotency_key FROM tasks WHERE (type, idempotency_key) IN
          (VALUES ${chunk.map(() => "(?, ?)").join(", ")})`,
        args: chunk.flatMap((t) => [t.type, t.idempotencyKey]),
      });
      for (const r of rs.rows) known.set(`${r.type}\u0000${r.idempotency_key}`, String(r.id));
    }
    const inserted: NewTask[] = [];
    const answers = tasks.map((t) => {
      const key = t.idempotencyKey === null ? null : `${t.type}\u0000${t.idempotencyKey}`;
      const first = key === null ? undefined : known.get(key);
      if (first !== undefined) return { id: first, duplicate: true };
      if (key !== null) known.set(key, t.id);
      inserted.push(t);
      return { id: t.id, duplicate: false };
    });
    return { statements: insertStatements(inserted), answers };
  });
}

/** A task claimed for one attempt. */
export interface ClaimedTask {
  id: string;
  type: string;
  tenant: string | null;
  input: unknown;
  attempt: number;
  startedAt: number;
}

/** The claim's read: its text is fixed, so its statement is prepared once (`Store.readRows`). */
const CLAIM_READ = `SELECT id, tenant, input, attempts FROM tasks
  WHERE type = ? AND status = 'queued' AND next_attempt_at <= ?
  ORDER BY priority DESC, created_at LIMIT ?`;

/**
 * Moves up to `n` due queued tasks of `type` to `running` (highest priority, then oldest first),
 * counting the attempt. Only this daemon claims, through the one writer, so none is taken twice.
 * The claim shares its commit: no other sharing write moves a task out of `queued` (inserts add
 * queued tasks, which the next claim sees; finished attempts update `running` ones), and claims
 * of one type run one at a time (the type's lane awaits each).
 */
export function claimTasks(
  store: Store,
  type: string,
  n: number,
  pluginId: string,
  now = Date.now(),
): Promise<ClaimedTask[]> {
  return store.write(async () => {
    const rows = await store.readRows(CLAIM_READ, [type, now, n]);
    const claimed = rows.map(([id, tenant, input, attempts]): ClaimedTask => ({
      id: String(id),
      type,
      tenant: tenant === null ? null : String(tenant),
      input: JSON.parse(String(input)),
      attempt: Number(attempts) + 1,
      startedAt: now,
    }));
    // One statement for the whole claim (the ids as one JSON array), not one per task: a claim
    // takes up to the type's concurrency, and each statement is a message to the writer thread
    // and a step of its own there. `attempts + 1` is what was read above: only claims count
    // attempts up, and claims of one type run one at a time.
    return {
      statements: claimed.length === 0 ? [] : [{
        sql: `UPDATE tasks SET status = 'running', attempts = attempts + 1, plugin_id = ?,
          started_at = COALESCE(started_at, ?), progress = NULL, progress_message = NULL
          WHERE id IN (SELECT value FROM json_each(?)) AND status = 'queued'`,
        args: [pluginId, now, JSON.stringify(claimed.map((t) => t.id))],
      }],
      value: claimed,
    };
  }, { shareCommit: true });
}

/** How an attempt ended and what the task becomes. */
export interface AttemptOutcome {
  status: TaskStatus;
  attempt: TaskAttempt;
  result?: string | null;
  error?: string | null;
  nextAttemptAt?: number;
  progress?: { fraction: number; message: string | null } | null;
}

/** Records attempts' ends (each appended to its log) and the tasks' new status, group-committed. */
export function attemptFinisher(
  store: Store,
): GroupWriter<{ id: string; outcome: AttemptOutcome }, null> {
  return new GroupWriter(store, (items) => {
    const now = Date.now();
    const statements = items.map(({ id, outcome: o }) => ({
      sql: `UPDATE tasks SET status = ?, result = ?, error = ?, next_attempt_at = ?,
        finished_at = ?, progress = COALESCE(?, progress), progress_message = ?,
        attempt_log = json_insert(attempt_log, '$[#]', json(?))
        WHERE id = ? AND status = 'running'`,
      args: [
        o.status,
        o.result ?? null,
        o.error ?? null,
        o.nextAttemptAt ?? 0,
        o.status !== "queued" ? now : null,
        o.progress?.fraction ?? null,
        o.progress?.message ?? null,
        JSON.stringify(o.attempt),
        id,
      ] as InValue[],
    }));
    return Promise.resolve({ statements, answers: items.map(() => null) });
  });
}

/** Cancels a queued task at once; answers whether it was queued. */
export function cancelQueued(store: Store, id: string): Promise<boolean> {
  return store.write<boolean>(async () => {
    const rs = await store.execute({
      sql: "SELECT status FROM tasks WHERE id = ?",
      args: [id],
    });
    if (rs.rows[0]?.status !== "queued") return { statements: [], value: false };
    return {
      statements: [{
        sql: `UPDATE tasks SET status = 'cancelled', finished_at = ?, error = 'cancelled'
          WHERE id = ? AND status = 'queued'`,
        args: [Date.now(), id],
      }],
      value: true,
    };
  });
}

/**
 * At start: tasks left `running` by a crash (or a stop that outlasted its deadline) were
 * interrupted; their attempt is logged as such and they are queued again, or `dead` when it was
 * their last. Returns how many were recovered.
 */
export function recoverInterrupted(
  store: Store,
  retriesOf: (type: string) => number,
): Promise<number> {
  return store.write(async () => {
    const rs = await store.execute(
      "SELECT id, type, attempts, started_at FROM tasks WHERE status = 'running'",
    );
    if (rs.rows.length === 0) return { statements: [], value: 0 };
    const statements = rs.rows.map((r) => {
      const attempts = Number(r.attempts);
      const dead = attempts > retriesOf(String(r.type));
      const entry: TaskAttempt = {
        attempt: attempts,
        status: "interrupted",
        started_at: new Date(Number(r.started_at ?? Date.now())).toISOString(),
        duration_ms: null,
        error: "the daemon stopped during this attempt",
      };
      return {
        sql: `UPDATE tasks SET status = ?, next_attempt_at = 0, finished_at = ?,
          error = ?, attempt_log = json_insert(attempt_log, '$[#]', json(?)) WHERE id = ?`,
        args: [
          dead ? "dead" : "queued",
          dead ? Date.now() : null,
          dead ? `interrupted on its last attempt (${attempts})` : null,
          JSON.stringify(entry),
          String(r.id),
        ] as InValue[],
      };
    });
    return { statements, value: statements.length };
  });
}

/** The attempt entry for an attempt that ended with `status`. */
export function attemptEntry(
  attempt: number,
  status: AttemptStatus,
  startedAt: number,
  error?: string,
): TaskAttempt {
  return {
    attempt,
    status,
    started_at: new Date(startedAt).toISOString(),
    duration_ms: Math.round((Date.now() - startedAt) * 10) / 10,
    ...(error !== undefined ? { error } : {}),
  };
}

/** Puts a claimed task back without counting the attempt (it never reached the plugin). */
export function releaseTask(store: Store, id: string, delayMs: number): Promise<void> {
  return store.write(() => ({
    statements: [{
      sql: `UPDATE tasks SET status = 'queued', attempts = attempts - 1, next_attempt_at = ?
        WHERE id = ? AND status = 'running'`,
      args: [Date.now() + delayMs, id],
    }],
  }));
}
