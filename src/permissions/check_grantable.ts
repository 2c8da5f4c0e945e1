/** Find the permission entries that can never be granted, with the field and the fix. */

import type { Permissions, Problem } from "../manifest/types.ts";
import { FORBIDDEN_ENV_PREFIXES, KINDS, SYS_VALUES } from "./_kinds.ts";
import { PermissionError } from "./errors.ts";
import { assertHostPaths, expandPath, isWithin } from "./expand_path.ts";
import { parseNetEntry } from "./net_entry.ts";
import type { HostPaths } from "./types.ts";

const NEVER_KINDS: Record<string, string> = {
  all: "--allow-all would switch every check off",
  ffi: "native code ignores every Deno permission",
  import: "remote code is never loaded at run time",
};

/**
 * Lists every entry of `permissions` that can never be granted on this host (empty = all
 * grantable): paths in or around the daemon's state dir other than the plugin's own folders,
 * `host.forbiddenPaths` and their parents, `$PLUGIN` under `write`, the daemon's HTTP port on any
 * host, loopback hosts without a port, numeric IPv4 forms other than a dotted quad, `unix:`
 * sockets, `plugin.*` events, relative `run` paths, unknown keys and malformed values. Lists
 * without entries are ignored (an empty list means nothing is asked for).
 *
 * @example
 * ```ts
 * grantProblems({ read: ["$PLUGIN", "/"] }, host);
 * // [{ field: "permissions.read[1]", message: 'granting "/" would include the daemon\'s state dir ...' }]
 * ```
 */
export function grantProblems(permissions: Permissions, host: HostPaths): Problem[] {
  assertHostPaths(host);
  const problems: Problem[] = [];
  if (permissions === null || typeof permissions !== "object" || Array.isArray(permissions)) {
    return [{ field: "permissions", message: "must be a mapping of permission keys to lists" }];
  }
  for (const [key, values] of Object.entries(permissions)) {
    const field = `permissions.${key}`;
    if (!(KINDS as readonly string[]).includes(key)) {
      const why = NEVER_KINDS[key] ?? `use one of ${KINDS.join(", ")}`;
      problems.push({ field, message: `"${key}" is never grantable (${why}); remove it` });
      continue;
    }
    if (values === undefined) continue;
    if (!Array.isArray(values)) {
      problems.push({ field, message: "must be a list of strings" });
      continue;
    }
    values.forEach((value: unknown, i) => {
      const message = typeof value === "string"
        ? entryProblem(key as typeof KINDS[number], value, host, `${field}[${i}]`)
        : "must be a string";
      if (message !== null) problems.push({ field: `${field}[${i}]`, message });
    });
  }
  return problems;
}

function entryProblem(kind: typeof KINDS[number], value: string, host: HostPaths, field: string) {
  switch (kind) {
    case "net":
      return netProblem(value, host.daemonPort);
    case "read":
    case "write":
      return pathProblem(kind, value, host, field);
    case "run":
      if (!value.startsWith("/")) {
        return `"${value}": run takes an absolute path to an executable, e.g. /usr/bin/git`;
      }
      return pathProblem(kind, value, host, field);
    case "env":
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
        return `"${value}" is not a variable name; name each variable (no wildcards)`;
      }
      if (FORBIDDEN_ENV_PREFIXES.some((p) => value.toUpperCase().startsWith(p))) {
        return `"${value}" is never grantable (PLUGD_*, DENO_* and LD_* belong to the daemon and runtime); remove it`;
      }
      return null;
    case "sys":
      return SYS_VALUES.includes(value)
        ? null
        : `unknown sys value "${value}"; use one of ${SYS_VALUES.join(", ")}`;
    case "emit":
      return emitProblem(value);
  }
}

function netProblem(value: string, daemonPort: number): string | null {
  if (typeof value === "string" && value.toLowerCase().startsWith("unix:")) {
    return `"${value}": Unix sockets are never grantable (the daemon's own socket lives there); use a TCP host:port`;
  }
  let entry;
  try {
    entry = parseNetEntry(value);
  } catch (error) {
    return `"${value}": ${(error as Error).message}`;
  }
  if (entry.port === daemonPort) {
    return `"${value}": port ${daemonPort} is the daemon's own HTTP API and is never grantable on any host; use another port`;
  }
  if (entry.port === undefined && ["loopback", "unspecified"].includes(entry.addressClass)) {
    return `"${value}" without a port would include the daemon's own port ${daemonPort}; name the port, e.g. ${entry.host}:8080`;
  }
  return null;
}

function pathProblem(
  kind: "read" | "write" | "run",
  value: string,
  host: HostPaths,
  field: string,
) {
  if (kind === "write" && /^\$PLUGIN(\/|$)/.test(value)) {
    return `"${value}": $PLUGIN is read-only; write to $DATA or $TMP instead`;
  }
  let path: string;
  try {
    path = expandPath(value, host, { field });
  } catch (error) {
    if (error instanceof PermissionError) return error.message.slice(field.length + 2);
    throw error;
  }
  if (kind === "write" && isWithin(path, host.pluginDir)) {
    return `"${value}" is inside the plugin's installed folder, which is read-only; use $DATA or $TMP`;
  }
  const own = kind === "read"
    ? [host.pluginDir, host.dataDir, host.tmpDir]
    : kind === "write"
    ? [host.dataDir, host.tmpDir]
    : [];
  const zone = own.find((dir) => isWithin(path, dir));
  if (zone === undefined) {
    if (isWithin(path, host.stateDir)) {
      return `"${value}" is inside the daemon's state dir ${host.stateDir}; only $PLUGIN (read), $DATA and $TMP are grantable there`;
    }
    if (isWithin(host.stateDir, path)) {
      return `granting "${value}" would include the daemon's state dir ${host.stateDir} (database, master key, other plugins); name a narrower path`;
    }
  }
  for (const forbidden of host.forbiddenPaths) {
    // A forbidden folder that holds the plugin's own folder (e.g. all plugins' $TMP) is fine.
    if (isWithin(path, forbidden) && !(zone !== undefined && isWithin(zone, forbidden))) {
      return `"${value}" is the protected path ${forbidden} or inside it; it is never grantable`;
    }
    if (isWithin(forbidden, path)) {
      return `granting "${value}" would include the protected path ${forbidden}; name a narrower path`;
    }
  }
  return null;
}

function emitProblem(value: string): string | null {
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.?\*)?$|^\*$/.test(value)) {
    return `"${value}" is not an event type; use lowercase dotted names, optionally ending in * (e.g. slack.*)`;
  }
  const prefix = value.endsWith("*") ? value.slice(0, -1) : null;
  const daemonOwned = value === "plugin" || value.startsWith("plugin.") ||
    (prefix !== null && "plugin.".startsWith(prefix));
  return daemonOwned
    ? `"${value}" covers the daemon's own plugin.* events, which are never grantable; name your own types`
    : null;
}
