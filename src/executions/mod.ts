/** Execution records of every call into a plugin, and usage rollups (issue 15). */
export {
  ExecutionRecorder,
  type RecorderOptions,
  type Retention,
  RETENTION_DEFAULTS,
  statusOf,
} from "./recorder.ts";
export type { ExecutionFilter, ExecutionPage } from "./execution_query.ts";
export {
  NO_SECRETS,
  preview,
  PREVIEW_MAX,
  previewText,
  REDACTED,
  type Redaction,
  redactionOf,
  redactText,
} from "./preview.ts";
export { type Step, STEP_MS } from "./usage_rollups.ts";
export {
  MAX_SERIES_PER_PLUGIN,
  PluginSeries,
  type SeriesBatch,
  type SeriesPoint,
} from "./plugin_series.ts";
export { MAX_POINTS, type Usage, type UsagePoint } from "./usage_query.ts";
export {
  type CallFacts,
  type CallOutcome,
  EXECUTION_KINDS,
  EXECUTION_STATUSES,
  type ExecutionKind,
  type ExecutionRecord,
  type ExecutionStatus,
} from "./types.ts";
