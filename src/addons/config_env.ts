/**
 * An addon's configuration as the script receives it: `ADDON_CONFIG_<KEY>` variables (top-level
 * keys, upper-cased, other characters as `_`; strings as they are, other values as JSON) and the
 * whole config as JSON (a private file, and stdin). All of it travels in the launch's secret
 * arguments file, never on a command line; secret values are also collected to be redacted.
 */

/** Variables and secrets of one config. */
export interface AddonConfigEnv {
  /** Variables to set in the sandbox (values may be secret). */
  values: Record<string, string>;
  /** The config as JSON (stdin and `$ADDON_CONFIG_FILE`). */
  json: string;
  /** Every secret value (from the schema's `secret: true` settings), for redaction. */
  secrets: string[];
}

/** The variable of a top-level key: `webhook_url` → `ADDON_CONFIG_WEBHOOK_URL`. */
export function configVariable(key: string): string {
  return `ADDON_CONFIG_${key.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * Builds the variables from the decrypted config (`plain`) and the same config with secrets
 * shown as `"********"` (`redacted`), which is how secrets are found at any depth.
 *
 * @example
 * ```ts
 * addonConfigEnv({ port: 5432, token: "s3" }, { port: 5432, token: "********" });
 * // { values: { ADDON_CONFIG_PORT: "5432", ADDON_CONFIG_TOKEN: "s3", PLUGD_ADDON_CONFIG: "{...}" },
 * //   json: '{"port":5432,"token":"s3"}', secrets: ["s3"] }
 * ```
 */
export function addonConfigEnv(
  plain: Record<string, unknown>,
  redacted: Record<string, unknown>,
): AddonConfigEnv {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(plain)) {
    if (value === undefined || value === null) continue;
    values[configVariable(key)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const json = JSON.stringify(plain);
  values.PLUGD_ADDON_CONFIG = json;
  const secrets: string[] = [];
  collectSecrets(plain, redacted, secrets);
  return { values, json, secrets: [...new Set(secrets)] };
}

function collectSecrets(plain: unknown, redacted: unknown, out: string[]): void {
  if (redacted === "********" && typeof plain === "string" && plain !== "********") {
    out.push(plain);
    return;
  }
  if (typeof plain !== "object" || plain === null || typeof redacted !== "object" || !redacted) {
    return;
  }
  for (const [k, v] of Object.entries(plain)) {
    collectSecrets(v, (redacted as Record<string, unknown>)[k], out);
  }
}

/**
 * A function that replaces every secret value (and its JSON-escaped form) in a line with
 * `********`, longest first. Secrets that span lines are redacted line by line.
 */
export function redactor(secrets: string[]): (line: string) => string {
  const needles = [
    ...new Set(
      secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), ...s.split("\n")]).filter(
        (s) => s.length > 0,
      ),
    ),
  ].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const needle of needles) out = out.replaceAll(needle, "********");
    return out;
  };
}
