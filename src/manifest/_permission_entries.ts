/** Validation of single permission entries other than net. Private to src/manifest. */
import { SYS_NAMES } from "./constants.ts";
import { isEventPattern } from "./event_names.ts";

const PATH_PREFIXES = ["$PLUGIN", "$DATA", "$TMP"] as const;

/** Why a `read`/`write` entry is invalid, or undefined. */
export function pathEntryProblem(entry: string, kind: "read" | "write"): string | undefined {
  const q = JSON.stringify(entry);
  let rest: string;
  if (entry.startsWith("$")) {
    const prefix = PATH_PREFIXES.find((x) => entry === x || entry.startsWith(`${x}/`));
    if (!prefix) {
      return `${q} uses an unknown variable; only $PLUGIN, $DATA and $TMP exist (e.g. "$DATA/cache")`;
    }
    if (prefix === "$PLUGIN" && kind === "write") {
      return `${q}: plugin files are read-only; write to "$DATA" or "$TMP" instead`;
    }
    rest = entry.slice(prefix.length);
  } else if (entry.startsWith("/")) {
    if (entry === "/") {
      return `${q} would grant the whole file system; name the folder the plugin needs`;
    }
    rest = entry;
  } else {
    return `${q} is relative; use "$PLUGIN/...", "$DATA/...", "$TMP/..." or an absolute path`;
  }
  return segmentProblem(q, rest);
}

/** Why a `run` entry is invalid, or undefined. */
export function runEntryProblem(entry: string): string | undefined {
  const q = JSON.stringify(entry);
  if (!entry.startsWith("/")) {
    return `${q} is not an absolute path; PATH lookups can be hijacked, so write e.g. "/usr/bin/git"`;
  }
  if (entry.endsWith("/")) return `${q} is a folder; name the executable file`;
  return segmentProblem(q, entry);
}

/** Why an `env` entry is invalid, or undefined. */
export function envEntryProblem(entry: string): string | undefined {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry) ? undefined : `${JSON.stringify(entry)} is not ` +
    "an environment variable name; use letters, digits and '_', not starting with a digit";
}

/** Why a `sys` entry is invalid, or undefined. */
export function sysEntryProblem(entry: string): string | undefined {
  return SYS_NAMES.includes(entry)
    ? undefined
    : `${JSON.stringify(entry)} is not a Deno sys permission; use one of: ${SYS_NAMES.join(", ")}`;
}

/** Why an `emit` entry is invalid, or undefined. */
export function emitEntryProblem(entry: string): string | undefined {
  const q = JSON.stringify(entry);
  if (!isEventPattern(entry)) {
    return `${q} is not an event type pattern; use lowercase dotted names, optionally ending ` +
      'in ".*", like "slack.message_sent" or "slack.*"';
  }
  if (entry === "*" || entry === "plugin" || entry.startsWith("plugin.")) {
    return `${q} covers the daemon's own plugin.* events, which plugins may never emit; ` +
      'use your own prefix, like "slack.*"';
  }
  return undefined;
}

function segmentProblem(q: string, path: string): string | undefined {
  const segments = path.split("/").slice(1);
  if (segments.includes("..")) {
    return `${q} contains a ".." segment; paths may not climb out of their folder`;
  }
  if (segments.some((s) => s === "" || s === ".")) {
    return `${q} has empty or "." segments (like "//", "/./" or a trailing "/"); remove them`;
  }
  return undefined;
}
