/** The path kinds `read`, `write` and `run`, mapped onto `--allow-read/-write/-run`. */

import { expandPath, PATH_VARIABLES } from "./expand_path.ts";
import type { PermissionKindSpec } from "./kind_spec.ts";
import { reservedPathProblem, touches } from "./reserved_paths.ts";
import type { HostPaths, RiskLevel } from "./types.ts";

type PathKind = "read" | "write" | "run";

const EXAMPLES: Record<PathKind, string> = {
  read: '["$PLUGIN/templates"]',
  write: '["$DATA"]',
  run: '["/usr/bin/git"]',
};

/** The `$PLUGIN`, `$DATA` or `$TMP` an entry starts with, or `undefined` for other entries. */
export function pathVariable(entry: string): keyof typeof PATH_VARIABLES | undefined {
  const name = entry.split("/", 1)[0]!;
  return name in PATH_VARIABLES ? name as keyof typeof PATH_VARIABLES : undefined;
}

function spellingProblem(q: string, path: string): string | undefined {
  const segments = path.split("/").slice(1);
  if (segments.includes("..")) {
    return `${q} contains a ".." segment; paths may not climb out of their folder`;
  }
  if (segments.some((s) => s === "" || s === ".")) {
    return `${q} has empty or "." segments (like "//", "/./" or a trailing "/"); remove them`;
  }
  return undefined;
}

function entryProblem(kind: PathKind, entry: string): string | undefined {
  const q = JSON.stringify(entry);
  if (entry.startsWith("$")) {
    const variable = pathVariable(entry);
    if (variable === undefined) {
      return `${q} uses an unknown variable; only $PLUGIN, $DATA and $TMP exist (e.g. "$DATA/cache")`;
    }
    if (kind === "run") {
      return `${q}: run takes an absolute path to a host executable, e.g. "/usr/bin/git"`;
    }
    if (variable === "$PLUGIN" && kind === "write") {
      return `${q}: $PLUGIN is read-only (installed code); write to "$DATA" or "$TMP" instead`;
    }
    return spellingProblem(q, entry.slice(variable.length));
  }
  if (!entry.startsWith("/")) {
    const hint = entry.startsWith("~") ? ' ("~" is not expanded)' : "";
    return kind === "run"
      ? `${q} is not an absolute path${hint}; PATH lookups can be hijacked, so write e.g. "/usr/bin/git"`
      : `${q} is relative${hint}; use "$PLUGIN/...", "$DATA/...", "$TMP/..." or an absolute path`;
  }
  const spelling = entry === "/" ? undefined : spellingProblem(q, entry);
  if (spelling) return spelling;
  const reserved = reservedPathProblem(entry);
  return reserved ? `${q} ${reserved}` : undefined;
}

function hostProblem(entry: string, host: HostPaths): string | undefined {
  if (!entry.startsWith("/")) return undefined; // $PLUGIN, $DATA, $TMP: the plugin's own
  const q = JSON.stringify(entry);
  const state = touches(entry, host.stateDir, "the daemon's state dir");
  if (state) {
    return `${q} ${state} (database, master key, other plugins); use $PLUGIN, $DATA or $TMP`;
  }
  for (const forbidden of host.forbiddenPaths) {
    const why = touches(entry, forbidden, "the protected path");
    if (why) return `${q} ${why}`;
  }
  return undefined;
}

function risk(kind: PathKind, entry: string): [RiskLevel, string] {
  if (kind === "run") return ["critical", "runs a host program outside Deno's permission checks"];
  const variable = pathVariable(entry);
  if (variable === "$PLUGIN") return ["medium", "reads its own installed files"];
  if (variable !== undefined) return ["medium", `${kind}s its private ${variable} folder`];
  return kind === "read"
    ? ["high", "reads a host path outside its own folders"]
    : ["critical", "writes a host path outside its own folders"];
}

function pathKind(kind: PathKind): PermissionKindSpec {
  return {
    example: EXAMPLES[kind],
    denoFlag: kind,
    entryProblem: (entry) => entryProblem(kind, entry),
    hostProblem,
    risk: (entry) => risk(kind, entry),
    flagValue: (entry, view) => expandPath(entry, view),
  };
}

/** `read`: `$PLUGIN[/...]`, `$DATA[/...]`, `$TMP[/...]` or an absolute host path. */
export const READ: PermissionKindSpec = pathKind("read");
/** `write`: `$DATA[/...]`, `$TMP[/...]` or an absolute host path (critical). */
export const WRITE: PermissionKindSpec = pathKind("write");
/** `run`: absolute paths of host executables (critical). */
export const RUN: PermissionKindSpec = pathKind("run");
