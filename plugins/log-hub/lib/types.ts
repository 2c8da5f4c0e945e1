/** Shapes shared by log-hub's modules. */

/** One parsed line, ready to store. */
export interface LogRecord {
  /** Milliseconds since the epoch: the line's own time, else when it was received. */
  ts: number;
  /** `debug`, `info`, `warn`, `error`, `fatal`, or null when the line says nothing. */
  level: string | null;
  /** An HTTP status the line carries (access logs, JSON `status`). */
  status: number | null;
  /** A request path the line carries. */
  path: string | null;
  /** Where it came from: `file:/var/log/x.log`, `event:/deployer`, `http`. */
  source: string;
  /** The message (the whole line when the parser finds no message field). */
  msg: string;
  /** Every other field the parser found. */
  fields: Record<string, unknown> | null;
}

/** A stored line as the `logs` table returns it (fields still JSON text). */
export type StoredLogRow = Omit<LogRecord, "fields"> & { id: number; fields: string | null };

/** A named regex parsing rule from the settings. */
export interface RegexRule {
  name: string;
  /** A JavaScript regex with named groups (`(?<status>\d+)`). */
  pattern: string;
}

/** A file source from the settings. */
export interface FileSource {
  /** An absolute path; `*` and `?` may appear in the file name (not in folders). */
  path: string;
  /** `auto`, `json`, `clf`, `text` or the name of a regex rule. @default "auto" */
  parser?: string;
}

/** log-hub's settings (`ctx.config`), defaults applied by plugd. */
export interface LogHubConfig {
  ingest_token?: string;
  files: FileSource[];
  poll_ms: number;
  rules: RegexRule[];
  event_parser: string;
  http_parser: string;
  retention: { days: number; max_mb: number; max_lines: number };
  anomaly: { enabled: boolean; factor: number; min_errors: number; cooldown_min: number };
  forward: {
    url?: string;
    index: string;
    username?: string;
    password?: string;
    api_key?: string;
    batch: number;
  };
}
