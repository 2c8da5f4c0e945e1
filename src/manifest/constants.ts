/** Limits, defaults and fixed vocabularies of `plugin.yaml` (SPEC §4, §8). */

/** Largest accepted `plugin.yaml`, in bytes (256 KiB). */
export const MAX_MANIFEST_BYTES = 256 * 1024;

/** Most YAML alias expansions accepted; stops billion-laughs documents. */
export const MAX_ALIAS_COUNT = 100;

/** Defaults applied when `limits:` omits a key. */
export const LIMIT_DEFAULTS = Object.freeze({
  memory_mb: 128,
  timeout_ms: 5_000,
  concurrency: 8,
});

/** Smallest accepted value of each `limits:` key. */
export const LIMIT_FLOORS = Object.freeze({
  memory_mb: 16,
  timeout_ms: 10,
  concurrency: 1,
});

/** Largest accepted value of each `limits:` key. */
export const LIMIT_CEILINGS = Object.freeze({
  memory_mb: 4_096,
  timeout_ms: 300_000,
  concurrency: 1_024,
});

/**
 * Largest `limits.emit_per_s` / `limits.emit_burst` a manifest may declare; the operator's
 * ceiling (`PLUGD_EMIT_RATE_MAX`) usually caps them much lower.
 */
export const EMIT_CEILINGS = Object.freeze({ emit_per_s: 100_000, emit_burst: 1_000_000 });

/**
 * Largest `limits.cpu_percent` a manifest may declare (percent of one core; 400 = four cores);
 * the operator's ceiling (`PLUGD_CPU_PERCENT_MAX`, default 100) usually caps it lower.
 */
export const CPU_PERCENT_CEILING = 400;

/** Most `hooks:` entries per plugin. */
export const MAX_HOOKS = 256;
/** Most `routes:` entries per plugin. */
export const MAX_ROUTES = 16;
/** Most `cron:` entries per plugin. */
export const MAX_CRON_JOBS = 8;
/** Largest body a public route may accept, in KiB (the daemon-wide body limit). */
export const MAX_PUBLIC_BODY_KB = 1024;
/** Body limit of a public route that sets none, in KiB. */
export const DEFAULT_PUBLIC_BODY_KB = 64;
/** Rate of a public route that sets none. */
export const DEFAULT_PUBLIC_RATE = "600/min";
/** Most `commands:` entries per plugin. */
export const MAX_COMMANDS = 32;
/** Most pages (and, separately, widgets) in `ui:`. */
export const MAX_UI_ENTRIES = 16;
/** The folder of a plugin's UI files where plugd serves `@plugd/sdk/ui` itself (`_plugd/ui.js`). */
export const UI_RESERVED_FOLDER = "_plugd";

/** Hook priority when none is given; lower runs first. */
export const DEFAULT_HOOK_PRIORITY = 10;
/** Lowest accepted hook priority. */
export const MIN_HOOK_PRIORITY = -1_000;
/** Highest accepted hook priority. */
export const MAX_HOOK_PRIORITY = 1_000;

/** Entry module used when the manifest has no `entry:`. */
export const DEFAULT_ENTRY = "main.ts";
/** File extensions an `entry:` may have. */
export const ENTRY_EXTENSIONS = Object.freeze([".ts", ".js", ".mts", ".mjs", ".tsx", ".jsx"]);

/** Most files and folders in a plugin package. */
export const MAX_PACKAGE_FILES = 1_000;
/** Largest total size of a plugin package's files, in bytes (50 MiB). */
export const MAX_PACKAGE_BYTES = 50 * 1024 * 1024;

/** Names that must not appear anywhere in a package (they change how Deno or npm resolve code). */
export const FORBIDDEN_PACKAGE_NAMES = Object.freeze([
  "deno.json",
  "deno.jsonc",
  "package.json",
  "node_modules",
  ".npmrc",
]);

/**
 * Authoring files at the root of a plugin folder: they configure the author's editor and tests
 * and are never part of the package (not listed, not copied, not packed, not hashed).
 */
export const AUTHORING_FILES = Object.freeze([
  "deno.json",
  "deno.jsonc",
  "deno.lock",
  "plugd.lock",
  "node_modules",
  ".git",
  ".vscode",
]);

/** HTTP methods a plugin route may declare. */
export const ROUTE_METHODS = Object.freeze(
  [
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "HEAD",
    "OPTIONS",
  ] as const,
);

/** Valid plugin ids: `^[a-z0-9][a-z0-9-]{1,62}$`. */
export const PLUGIN_ID_PATTERN: RegExp = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * Whether `s` is a valid plugin id.
 *
 * @example
 * ```ts
 * isPluginId("slack-notify"); // true
 * isPluginId("Slack"); // false
 * ```
 */
export function isPluginId(s: unknown): s is string {
  return typeof s === "string" && PLUGIN_ID_PATTERN.test(s);
}
