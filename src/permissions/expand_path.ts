/** Expand `$PLUGIN`, `$DATA`, `$TMP` into the paths a plugin process sees; path helpers. */

import type { PluginView } from "./types.ts";

/** The path variables and the folder of {@linkcode PluginView} each expands to. */
export const PATH_VARIABLES = { $PLUGIN: "pluginDir", $DATA: "dataDir", $TMP: "tmpDir" } as const;

/**
 * Expands one valid path entry (see `permissionProblems`): `$PLUGIN`, `$DATA` and `$TMP`, alone or
 * followed by `/sub/path`, become the folders of `view`; absolute paths stay as they are.
 *
 * @example
 * ```ts
 * expandPath("$DATA/cache", { ...view, dataDir: "/data" }); // "/data/cache"
 * expandPath("/etc/ssl/certs", view); // "/etc/ssl/certs"
 * ```
 */
export function expandPath(entry: string, view: PluginView): string {
  if (!entry.startsWith("$")) return normalizeAbsolute(entry);
  const name = entry.split("/", 1)[0]!;
  const folder = PATH_VARIABLES[name as keyof typeof PATH_VARIABLES];
  if (folder === undefined) throw new TypeError(`Unknown path variable "${name}" in "${entry}"`);
  return normalizeAbsolute(view[folder] + entry.slice(name.length));
}

/** Normalizes an absolute POSIX path: collapses `//` and `.`, drops a trailing `/`. */
export function normalizeAbsolute(path: string): string {
  if (!path.startsWith("/")) throw new TypeError(`Expected an absolute path, got "${path}"`);
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new TypeError(`Path "${path}" must not contain ".."`);
  return "/" + segments.join("/");
}

/** True when `path` is `dir` itself or inside it (both absolute and normalized). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || dir === "/" || path.startsWith(dir + "/");
}

/** Throws `TypeError`/`RangeError` unless every path is absolute and normalized and the port valid. */
export function assertAbsolutePaths(paths: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(paths)) {
    if (typeof value !== "string" || !value.startsWith("/") || normalizeAbsolute(value) !== value) {
      throw new TypeError(`${name} must be an absolute normalized path, got "${value}"`);
    }
  }
}
