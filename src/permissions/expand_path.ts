/** Expand `$PLUGIN`, `$DATA`, `$TMP` and absolute host paths into normalized absolute paths. */

import { hasUnsafeChar } from "./_chars.ts";
import { PermissionError } from "./errors.ts";
import type { HostPaths } from "./types.ts";

const VARIABLES = { $PLUGIN: "pluginDir", $DATA: "dataDir", $TMP: "tmpDir" } as const;

/** Options for {@linkcode expandPath}. */
export interface ExpandPathOptions {
  /** Field named in the error, e.g. `permissions.read[1]`. @default "path" */
  field?: string;
}

/**
 * Expands one path entry to an absolute, normalized POSIX path. `$PLUGIN`, `$DATA` and `$TMP`
 * (alone or followed by `/sub/path`) expand to the plugin's folders; absolute paths are
 * normalized. Relative paths, unknown variables, `~` and any `..` segment are rejected with a
 * {@linkcode PermissionError}, as are commas (Deno splits flag values on them).
 *
 * @example
 * ```ts
 * expandPath("$DATA/cache/", host); // "/var/lib/plugd/data/foo/cache"
 * expandPath("/etc//ssl/./certs", host); // "/etc/ssl/certs"
 * ```
 */
export function expandPath(
  entry: string,
  host: HostPaths,
  options: ExpandPathOptions = {},
): string {
  const { field = "path" } = options;
  const fail = (message: string): never => {
    throw new PermissionError(field, message);
  };
  if (typeof entry !== "string" || entry === "") fail("must be a non-empty path");
  if (hasUnsafeChar(entry)) {
    fail(`"${entry}" contains a comma or control character; Deno splits flag values on commas`);
  }
  if (entry.split("/").includes("..")) fail(`"${entry}" contains "..": write the path without it`);
  if (entry.startsWith("$")) {
    const name = entry.split("/", 1)[0]!;
    if (!(name in VARIABLES)) fail(`unknown variable "${name}": use $PLUGIN, $DATA or $TMP`);
    const base = host[VARIABLES[name as keyof typeof VARIABLES]];
    return normalizeAbsolute(base + entry.slice(name.length));
  }
  if (entry.startsWith("~")) fail(`"${entry}": "~" is not expanded; write an absolute path`);
  if (!entry.startsWith("/")) {
    fail(
      `relative path "${entry}" is not grantable; use $PLUGIN/..., $DATA, $TMP or an absolute path`,
    );
  }
  return normalizeAbsolute(entry);
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

/** Throws `TypeError` unless every path in `host` is absolute and normalized. */
export function assertHostPaths(host: HostPaths): void {
  const paths: [string, unknown][] = [
    ["pluginDir", host.pluginDir],
    ["dataDir", host.dataDir],
    ["tmpDir", host.tmpDir],
    ["stateDir", host.stateDir],
    ["bootstrap", host.bootstrap],
    ["importMap", host.importMap],
    ...host.forbiddenPaths.map((p, i): [string, unknown] => [`forbiddenPaths[${i}]`, p]),
  ];
  for (const [name, value] of paths) {
    if (typeof value !== "string" || !value.startsWith("/") || normalizeAbsolute(value) !== value) {
      throw new TypeError(`HostPaths.${name} must be an absolute normalized path, got "${value}"`);
    }
  }
  if (!Number.isInteger(host.daemonPort) || host.daemonPort < 1 || host.daemonPort > 65535) {
    throw new RangeError(`HostPaths.daemonPort must be a port number, got ${host.daemonPort}`);
  }
}
