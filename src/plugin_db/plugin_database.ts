/**
 * One plugin's database as the plugin reaches it: every statement checked by the guard, one
 * request at a time, interactive transactions owned by one caller at a time (others wait), and
 * abandoned transactions rolled back.
 */
import { DbProcess, type DbProcessOptions } from "./db_process.ts";
import type { DbResult, DbStatement } from "./db_wire.ts";
import { DbError } from "./errors.ts";
import { checkSql } from "./sql_guard.ts";

/** Most statements in one `batch()`. */
export const MAX_BATCH = 1000;

/** Limits of one database. */
export interface PluginDatabaseOptions extends DbProcessOptions {
  /** Time limit of one request (a statement, or a whole batch). */
  timeoutMs: number;
  /** A transaction idle longer than this is rolled back. @default 10000 */
  transactionIdleMs?: number;
}

/** A plugin's database. */
export class PluginDatabase implements AsyncDisposable {
  readonly process: DbProcess;
  #timeoutMs: number;
  #txIdleMs: number;
  #tx: { id: string; timer: ReturnType<typeof setTimeout> } | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: PluginDatabaseOptions) {
    this.process = new DbProcess(options);
    this.#timeoutMs = options.timeoutMs;
    this.#txIdleMs = options.transactionIdleMs ?? 10_000;
  }

  /** Runs one statement (outside a transaction, or inside the caller's `tx`). */
  async execute(sql: unknown, args?: unknown, tx?: unknown): Promise<DbResult> {
    const [checked] = checkSql(sql);
    const statement = { sql: checked!, args: checkArgs(args) };
    if (tx !== undefined && tx !== null) {
      this.#own(tx);
      try {
        return await this.process.request<DbResult>(
          { op: "execute", ...statement },
          this.#timeoutMs,
        );
      } catch (error) {
        await this.#abandon();
        throw error;
      } finally {
        this.#touch();
      }
    }
    await this.#free();
    return await this.process.request<DbResult>({ op: "execute", ...statement }, this.#timeoutMs);
  }

  /** Runs statements atomically: all of them or none. */
  async batch(statements: unknown): Promise<DbResult[]> {
    if (!Array.isArray(statements) || statements.length === 0 || statements.length > MAX_BATCH) {
      throw new DbError(`batch() takes a list of 1 to ${MAX_BATCH} statements`);
    }
    const checked: DbStatement[] = statements.map((s) => {
      const item = (typeof s === "string" ? { sql: s } : s) as { sql?: unknown; args?: unknown };
      return { sql: checkSql(item?.sql)[0]!, args: checkArgs(item?.args) };
    });
    await this.#free();
    return await this.process.request<DbResult[]>(
      { op: "batch", statements: checked },
      this.#timeoutMs,
    );
  }

  /** Starts a transaction owned by the caller; returns its id. */
  async begin(): Promise<string> {
    await this.#free();
    const id = crypto.randomUUID();
    this.#tx = { id, timer: 0 as unknown as ReturnType<typeof setTimeout> };
    this.process.hold();
    try {
      await this.process.request({ op: "begin" }, this.#timeoutMs);
    } catch (error) {
      this.#end();
      throw error;
    }
    this.#touch();
    return id;
  }

  /** Commits (or, with `rollback`, discards) the caller's transaction. */
  async finish(tx: unknown, rollback: boolean): Promise<void> {
    this.#own(tx);
    try {
      await this.process.request({ op: rollback ? "rollback" : "commit" }, this.#timeoutMs);
    } catch (error) {
      await this.#abandon();
      throw error;
    }
    this.#end();
  }

  /** Runs `op` when no transaction is open (the migration runner and snapshots use it). */
  async exclusive<T>(op: () => Promise<T>): Promise<T> {
    await this.#free();
    this.#tx = { id: "plugd", timer: 0 as unknown as ReturnType<typeof setTimeout> };
    try {
      return await op();
    } finally {
      this.#end();
    }
  }

  #own(tx: unknown): void {
    if (!this.#tx || this.#tx.id !== tx) {
      throw new DbError("the transaction is over (committed, rolled back or expired)");
    }
  }

  #touch(): void {
    if (!this.#tx) return;
    clearTimeout(this.#tx.timer);
    this.#tx.timer = setTimeout(() => void this.#abandon(), this.#txIdleMs);
  }

  async #abandon(): Promise<void> {
    if (!this.#tx) return;
    await this.process.request({ op: "rollback" }, this.#timeoutMs).catch(() => {});
    this.#end();
  }

  #end(): void {
    if (!this.#tx) return;
    clearTimeout(this.#tx.timer);
    if (this.#tx.id !== "plugd") this.process.release();
    this.#tx = undefined;
    this.#waiters.splice(0).forEach((wake) => wake());
  }

  async #free(): Promise<void> {
    while (this.#tx) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#tx) clearTimeout(this.#tx.timer);
    await this.process[Symbol.asyncDispose]();
  }
}

function checkArgs(args: unknown): DbStatement["args"] {
  if (args === undefined || args === null) return undefined;
  if (Array.isArray(args)) {
    if (args.length > 999) throw new DbError("at most 999 arguments per statement");
    return args;
  }
  if (typeof args === "object") return args as Record<string, unknown>;
  throw new DbError("args must be a list (for ?) or an object (for :name)");
}
