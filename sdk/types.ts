/** Types of the plugd plugin SDK (SPEC §10). Imports nothing: this folder is mounted alone. */

/** A CloudEvent 1.0 in JSON structured mode, as action handlers receive it. */
export interface CloudEvent<T = unknown> {
  /** Always `"1.0"`. */
  specversion: "1.0";
  /** Unique per event (a ULID). */
  id: string;
  /** Who sent it: `/deployer`, or `/plugins/<id>` for an event a plugin emitted. */
  source: string;
  /** Lowercase dotted type, e.g. `deployment.post_create`. */
  type: string;
  /** When it happened (RFC 3339). */
  time?: string;
  /** `application/json`. */
  datacontenttype?: string;
  /** The payload. */
  data?: T;
  /** Extension attributes such as `tenant`. */
  [extension: string]: unknown;
}

/** A gate's vote. */
export interface GateDecision {
  /** `false` vetoes the operation. */
  allow: boolean;
  /** Why, shown to whoever asked the gate. */
  reason?: string;
}

/** Health as reported by `health()`. */
export interface HealthStatus {
  /** `unhealthy` fails an update's switch test; `degraded` is shown to the operator. */
  status: "healthy" | "degraded" | "unhealthy";
  /** Details shown in `plugd plugin info`. */
  [detail: string]: unknown;
}

/** Structured logger; lines appear in `plugd plugin logs`. */
export interface PluginLogger {
  /** Logs at level debug, with optional structured fields. */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at level info. */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at level warn. */
  warn(msg: string, fields?: Record<string, unknown>): void;
  /** Logs at level error. */
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The plugin's key/value storage, scoped to it by the daemon (quota applies). */
export interface PluginStorage {
  /** The JSON value stored under `key`, or undefined. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON value (the plugin's storage quota applies). */
  set(key: string, value: unknown): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Keys, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
}

/** A value in a SQL row or argument. */
export type SqlValue = number | string | null | Uint8Array;

/** Arguments of a statement: a list for `?` placeholders, an object for `:name` ones. */
export type SqlArgs = SqlValue[] | Record<string, SqlValue | boolean> | (SqlValue | boolean)[];

/** A statement for {@linkcode PluginDatabase.batch}: SQL text, or SQL with its arguments. */
export type SqlStatement = string | { sql: string; args?: SqlArgs };

/** What a statement answers. */
export interface SqlResult<Row = Record<string, SqlValue>> {
  /** Column names of the rows, in order. */
  columns: string[];
  /** One object per row, keyed by column name. */
  rows: Row[];
  /** Rows inserted, changed or deleted. */
  rowsAffected: number;
  /** The rowid of the last row inserted, or null. */
  lastInsertRowid: number | null;
}

/** The statements of a transaction (see {@linkcode PluginDatabase.transaction}). */
export interface SqlTransaction {
  /** Runs one statement inside the transaction. */
  execute<Row = Record<string, SqlValue>>(sql: string, args?: SqlArgs): Promise<SqlResult<Row>>;
}

/**
 * The plugin's own SQL database (permission `db`): one libSQL (SQLite) file run by the daemon.
 * Statements that reach past it (ATTACH, file functions, durability PRAGMAs, VACUUM INTO) are
 * refused; each statement has a time limit (80 % of `limits.timeout_ms`) and its result a
 * size limit (768 KiB as JSON); the file has the size quota the grant names.
 */
export interface PluginDatabase {
  /** Runs one statement. */
  execute<Row = Record<string, SqlValue>>(sql: string, args?: SqlArgs): Promise<SqlResult<Row>>;
  /** Runs statements atomically: all of them or none (up to 1000). */
  batch(statements: SqlStatement[]): Promise<SqlResult[]>;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. Use the
   * `tx` it gets (not `ctx.db`) inside; a transaction idle for 10 s is rolled back.
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

/** What every handler receives as `ctx`. */
export interface PluginContext<C = Record<string, unknown>> {
  /** This plugin's id and installed version. */
  plugin: { id: string; version: string };
  /** Absolute paths of `$DATA` (also the cwd) and `$TMP` (also `TMPDIR`). */
  paths: { data: string; tmp: string };
  /**
   * The tenant this call runs for (an event's `tenant`, a task's, a filter's or gate's), or null
   * for a call that is not for a tenant (routes, cron, commands, lifecycle hooks, events
   * without one). For a tenant, `config` holds its overrides and `storage` and `db` are its own.
   */
  tenant: string | null;
  /** Validated configuration, secrets decrypted (with the tenant's overrides in a tenant call). */
  config: C;
  /** Key/value storage scoped to this plugin (and to the tenant in a tenant call). */
  storage: PluginStorage;
  /** The plugin's SQL database; its calls fail with `DbDeniedError` without a `db` grant. */
  db: PluginDatabase;
  /** Structured logging into `plugd plugin logs`. */
  log: PluginLogger;
  /** Emit an event; its type must be allowed by the `emit` permission. Resolves to the event id. */
  emit(type: string, data?: unknown): Promise<string>;
  /** The plugin's own series, charted in the console and exported on `/metrics`. */
  metrics: PluginMetrics;
}

/**
 * A plugin's own series. Names are lowercase (`a-z 0-9 _ .`, up to 64 characters), scoped to the
 * plugin, at most 64 of them; values are batched and sent about once a second.
 */
export interface PluginMetrics {
  /** Adds `n` (default 1, not negative) to the counter `name`, e.g. `count("emails.sent")`. */
  count(name: string, n?: number): void;
  /** Records one value of `name`, e.g. `observe("queue.depth", 12)`: count, sum, min and max. */
  observe(name: string, value: number): void;
}

/** A value or a promise of it: handlers may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/** An action handler: gets the whole CloudEvent, result ignored except for errors. */
export type ActionHandler<C> = (event: CloudEvent, ctx: PluginContext<C>) => MaybePromise<unknown>;
/** A filter: gets the data, returns the transformed data. */
export type FilterHandler<C> = (data: unknown, ctx: PluginContext<C>) => MaybePromise<unknown>;
/** A gate: gets the data, votes. */
export type GateHandler<C> = (data: unknown, ctx: PluginContext<C>) => MaybePromise<GateDecision>;
/** The path of a route key: `"GET /commits/:sha"` → `"/commits/:sha"`. */
export type RoutePath<K extends string> = K extends `${string} ${infer P}` ? P : K;
/** `:name` segments of a path as an object type. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [N in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}` ? { [N in Name]: string }
  : Record<never, never>;

/**
 * The parameters of a route key, typed from its `:name` segments:
 * `RouteParams<"GET /commits/:sha">` is `{ sha: string }`.
 */
export type RouteParams<K extends string> = string extends K ? Record<string, string>
  : PathParams<RoutePath<K>>;

/** What a route handler receives as `ctx`: the plugin context plus the route's parameters. */
export interface RouteContext<C = Record<string, unknown>, P = Record<string, string>>
  extends PluginContext<C> {
  /** `:name` segments of the matched path, percent-decoded. */
  params: P;
}

/** An HTTP route handler. */
export type RouteHandler<C, P = Record<string, string>> = (
  req: Request,
  ctx: RouteContext<C, P>,
) => MaybePromise<Response>;

/** Where a command writes what the operator's terminal shows, as it is produced. */
export interface CommandOutput {
  /** Sends text (or bytes) to the terminal now; escape sequences are stripped there unless --raw. */
  write(chunk: string | Uint8Array): void;
}

/** What a command handler receives as `ctx`. */
export interface CommandContext<C = Record<string, unknown>> extends PluginContext<C> {
  /** The operator's terminal. */
  out: CommandOutput;
  /** Aborted when the operator presses Ctrl-C (or the run times out): stop and return. */
  signal: AbortSignal;
}

/**
 * A CLI command (`plugd <plugin-id> <name> [args...]`): gets the arguments as typed, returns the
 * exit code (nothing = 0).
 */
export type CommandHandler<C> = (
  args: string[],
  ctx: CommandContext<C>,
) => MaybePromise<number | void>;
/** What a task handler receives as `ctx`. */
export interface TaskContext<C = Record<string, unknown>> extends PluginContext<C> {
  /** The task: its id, type and which attempt this is (1 for the first). */
  task: { id: string; type: string; attempt: number };
  /**
   * Reports progress (`fraction` from 0 to 1, an optional short message), shown by
   * `GET /v1/tasks/{id}` and `plugd task run --wait`. Cheap: call it as often as you like.
   */
  progress(fraction: number, message?: string): void;
  /** Aborted when the task is cancelled (or its attempt times out): stop and return. */
  signal: AbortSignal;
}

/**
 * A task processor (`hooks: - task: image.resize`): gets the task's input, returns its result
 * (JSON). A throw fails the attempt; it is retried with backoff until `retries` run out.
 */
export type TaskHandler<C> = (input: unknown, ctx: TaskContext<C>) => MaybePromise<unknown>;

/** A cron job. */
export type CronHandler<C> = (ctx: PluginContext<C>) => MaybePromise<void>;

/**
 * What `definePlugin()` takes. Keys of the maps must match plugin.yaml exactly. `R` is inferred
 * from the keys of `routes`, which types each handler's `ctx.params`.
 */
export interface PluginDefinition<C = Record<string, unknown>, R extends string = string> {
  /** Keyed by event type (may end in `*`), as in `hooks: - action: ...`. */
  actions?: Record<string, ActionHandler<C>>;
  /** Keyed by filter name, as in `hooks: - filter: ...`. */
  filters?: Record<string, FilterHandler<C>>;
  /** Keyed by gate name, as in `hooks: - gate: ...`. */
  gates?: Record<string, GateHandler<C>>;
  /** Keyed by `"METHOD /path"`, as in `routes:` (public ones too). */
  routes?: { [K in R]: RouteHandler<C, RouteParams<K>> };
  /** Keyed by cron job name. */
  cron?: Record<string, CronHandler<C>>;
  /** Keyed by command name, as in `commands:`. */
  commands?: Record<string, CommandHandler<C>>;
  /** Keyed by task type, as in `hooks: - task: ...`. */
  tasks?: Record<string, TaskHandler<C>>;
  /** Runs once per installation, at its first successful start. */
  onInstall?: (ctx: PluginContext<C>) => MaybePromise<void>;
  /** Runs each time the process starts while the plugin is enabled. */
  onEnable?: (ctx: PluginContext<C>) => MaybePromise<void>;
  /** Runs when the operator disables the plugin. */
  onDisable?: (ctx: PluginContext<C>) => MaybePromise<void>;
  /** Runs once the new version serves after an update. */
  onUpdate?: (from: string, to: string, ctx: PluginContext<C>) => MaybePromise<void>;
  /** Runs before the plugin is removed. */
  onUninstall?: (ctx: PluginContext<C>) => MaybePromise<void>;
  /** Runs after the operator changed the settings (the process already has the new ones). */
  onConfigChange?: (oldConfig: C, newConfig: C, ctx: PluginContext<C>) => MaybePromise<void>;
  /** Answers health checks; an update must answer healthy before it sticks. */
  health?: (ctx: PluginContext<C>) => MaybePromise<HealthStatus>;
}

/** A definition marked by `definePlugin()`. */
export type DefinedPlugin<C = Record<string, unknown>, R extends string = string> =
  & PluginDefinition<C, R>
  & {
    /** The mark the shim checks. */
    readonly __plugd: 1;
    /** The `@plugd/sdk` version that defined it (checked at the handshake). */
    readonly __sdk?: string;
  };
