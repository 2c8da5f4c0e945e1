/** Thrown for a bad configuration value; the message names the setting, its source and the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
