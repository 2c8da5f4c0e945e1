/** Configuration: flags > environment > file > defaults; every setting listed once in SETTINGS. */
export type { Config, FleetSettings, RegistrySource } from "./types.ts";
export { ConfigError } from "./errors.ts";
export { type ConfigFlags, loadConfig, type LoadConfigOptions } from "./load_config.ts";
export { DEFAULT_HTTP, parseHttp } from "./http_listen.ts";
export {
  DEFAULT_EMIT_RATE,
  DEFAULT_EMIT_RATE_MAX,
  effectiveEmitRate,
  type EmitRate,
  parseEmitRate,
} from "./emit_rate.ts";
export { type StateLayout, stateLayout } from "./state_layout.ts";
export {
  DEFAULT_DATA_QUOTA_MB,
  DEFAULT_TMP_QUOTA_MB,
  DEFAULT_UID_RANGE,
  parseUidRange,
  type UidRange,
} from "./isolation.ts";
export { describeOrigin, ENV_ONLY, type Origin, SETTINGS, type SettingSpec } from "./settings.ts";
export { type ConfigFile, parseConfigText } from "./read_config_file.ts";
export { WORK_DEFAULTS, type WorkSettings } from "./work_settings.ts";
export { STANDBY_DEFAULTS, type StandbySettings } from "./standby_settings.ts";
export type { DbSynchronous } from "./db_synchronous.ts";
