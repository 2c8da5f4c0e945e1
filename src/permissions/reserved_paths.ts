/** Host paths no plugin may be granted on any host, and the sandbox's own mount points. */

import { isWithin } from "./expand_path.ts";

/**
 * Where plugd lives on a standard install (state, runtime, configuration, code). Refused on every
 * host, whatever state dir is configured: a plugin granted `/var/lib/plugd` on a daemon that uses
 * another state dir would still reach the standard install's database and keys.
 */
export const PLUGD_LOCATIONS: readonly string[] = [
  "/etc/plugd",
  "/opt/plugd",
  "/run/plugd",
  "/var/lib/plugd",
];

/**
 * Fixed paths inside the sandbox (`/plugin`, `/data`, `/tmp` are `$PLUGIN`, `$DATA`, `$TMP`;
 * `/plugd` holds the runtime; `/proc` and `/dev` are the sandbox's own). A host path there would
 * be hidden by, or hide, the sandbox's own folder.
 */
export const SANDBOX_PATHS: readonly string[] = [
  "/data",
  "/dev",
  "/plugd",
  "/plugin",
  "/proc",
  "/tmp",
];

/**
 * Why the absolute, normalized `path` touches `place` (is it, lies inside it, or contains it),
 * or `undefined` when it does not.
 *
 * @example
 * ```ts
 * touches("/var", "/var/lib/plugd", "plugd's state"); // 'would include plugd\'s state /var/lib/plugd; ...'
 * ```
 */
export function touches(path: string, place: string, what: string): string | undefined {
  if (isWithin(path, place)) return `is ${what} ${place} or inside it, which is never grantable`;
  if (isWithin(place, path)) {
    return `would include ${what} ${place}, which is never grantable; name a narrower path`;
  }
  return undefined;
}

/** Why `path` (absolute, normalized) is never grantable on any host, or `undefined`. */
export function reservedPathProblem(path: string): string | undefined {
  if (path === "/") return "would grant the whole file system; name the folder the plugin needs";
  for (const place of PLUGD_LOCATIONS) {
    const why = touches(path, place, "the plugd location");
    if (why) return why;
  }
  for (const place of SANDBOX_PATHS) {
    const why = touches(path, place, "the sandbox's own");
    if (why) return `${why} (use $PLUGIN, $DATA or $TMP for the plugin's own folders)`;
  }
  return undefined;
}
