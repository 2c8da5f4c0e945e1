/** The small kinds: `env` (variable names), `sys` (system information), `emit` (event types). */

import { isEventPattern } from "./event_names.ts";
import type { PermissionKindSpec } from "./kind_spec.ts";

/** `--allow-sys` values accepted by Deno 2.9 (each checked with `deno run --allow-sys=<v>`). */
export const SYS_VALUES: readonly string[] = [
  "cpus",
  "getPriority",
  "getegid",
  "gid",
  "homedir",
  "hostname",
  "loadavg",
  "networkInterfaces",
  "osRelease",
  "osUptime",
  "setPriority",
  "statfs",
  "systemMemoryInfo",
  "uid",
  "userInfo",
  "username",
];

/** Environment prefixes never passed to a plugin: daemon settings, Deno runtime knobs, loader. */
export const FORBIDDEN_ENV_PREFIXES: readonly string[] = ["PLUGD_", "DENO_", "LD_"];

/** `env`: names of variables whose values the daemon passes from its own environment. */
export const ENV: PermissionKindSpec = {
  example: '["HTTPS_PROXY"]',
  denoFlag: "env",
  entryProblem(entry) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry)) {
      return `"${entry}" is not an environment variable name; use letters, digits and '_', not ` +
        "starting with a digit, and name each variable (no wildcards)";
    }
    if (FORBIDDEN_ENV_PREFIXES.some((p) => entry.toUpperCase().startsWith(p))) {
      return `"${entry}" is never grantable (PLUGD_*, DENO_* and LD_* belong to the daemon, the ` +
        "runtime and the loader); remove it";
    }
    return undefined;
  },
  risk: () => ["low", "reads one environment variable passed by the daemon"],
};

/** `sys`: the system information Deno gates behind `--allow-sys`. */
export const SYS: PermissionKindSpec = {
  example: '["hostname"]',
  denoFlag: "sys",
  entryProblem: (entry) =>
    SYS_VALUES.includes(entry)
      ? undefined
      : `"${entry}" is not a Deno sys permission; use one of: ${SYS_VALUES.join(", ")}`,
  risk: () => ["low", "reads system information"],
};

/** `emit`: event types (or `x.*` patterns) the plugin may emit; the daemon enforces it. */
export const EMIT: PermissionKindSpec = {
  example: '["myplugin.*"]',
  entryProblem(entry) {
    if (!isEventPattern(entry)) {
      return `"${entry}" is not an event type pattern; use lowercase dotted names, optionally ` +
        'ending in ".*", like "slack.message_sent" or "slack.*"';
    }
    if (entry === "*" || entry === "plugin" || entry.startsWith("plugin.")) {
      return `"${entry}" covers the daemon's own plugin.* events, which are never grantable; ` +
        'use your own prefix, like "slack.*"';
    }
    return undefined;
  },
  risk: () => ["low", "emits events of its own types"],
};
