/** Configuration: flags > environment > file > defaults (SPEC §3). */
export type { Config } from "./types.ts";
export {
  ConfigError,
  type ConfigFlags,
  DEFAULT_HTTP,
  loadConfig,
  parseHttp,
} from "./load_config.ts";
export {
  DEFAULT_EMIT_RATE,
  DEFAULT_EMIT_RATE_MAX,
  effectiveEmitRate,
  type EmitRate,
  parseEmitRate,
} from "./emit_rate.ts";
export { type StateLayout, stateLayout } from "./state_layout.ts";
