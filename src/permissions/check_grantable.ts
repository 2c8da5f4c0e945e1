/** Find the permission entries that can never be granted on this host, with the field and the fix. */

import { assertAbsolutePaths } from "./expand_path.ts";
import { checkPermissions } from "./grammar.ts";
import { KIND_NAMES, PERMISSION_KINDS } from "./kinds.ts";
import type { HostPaths, Problem } from "./types.ts";

/**
 * Lists every entry of `permissions` that cannot be granted on this host (empty = all
 * grantable): first the grammar every plugd shares ({@linkcode checkPermissions}; empty lists are
 * accepted, they ask for nothing), then the rules that depend on the host: paths that are, lie in
 * or contain the state dir or `host.forbiddenPaths`, and the daemon's HTTP port on any host.
 *
 * @example
 * ```ts
 * grantProblems({ read: ["$PLUGIN", "/srv/plugd-state/x"] }, host);
 * // [{ field: "permissions.read[1]", message: '"/srv/plugd-state/x" is the daemon\'s state dir ...' }]
 * ```
 */
export function grantProblems(permissions: unknown, host: HostPaths): Problem[] {
  assertHostPaths(host);
  const { problems } = checkPermissions(permissions, { lenientLists: true });
  const invalid = new Set(problems.map((p) => p.field));
  for (const kind of KIND_NAMES) {
    const rule = PERMISSION_KINDS[kind].hostProblem;
    if (!rule) continue;
    const list = (permissions as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      const field = `permissions.${kind}[${i}]`;
      if (invalid.has(field) || typeof entry !== "string") return;
      const message = rule(entry, host);
      if (message !== undefined) problems.push({ field, message });
    });
  }
  return problems.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field));
}

function fieldOrder(field: string): number {
  const [, kind, index] = /^permissions\.(\w+)(?:\[(\d+)\])?/.exec(field) ?? [];
  const k = KIND_NAMES.indexOf(kind as typeof KIND_NAMES[number]);
  return (k < 0 ? KIND_NAMES.length : k) * 1e6 + Number(index ?? -1);
}

/** Throws `TypeError`/`RangeError` unless `host` holds absolute normalized paths and a port. */
export function assertHostPaths(host: HostPaths): void {
  assertAbsolutePaths({
    "HostPaths.stateDir": host.stateDir,
    ...Object.fromEntries(host.forbiddenPaths.map((p, i) => [`HostPaths.forbiddenPaths[${i}]`, p])),
  });
  if (!Number.isInteger(host.daemonPort) || host.daemonPort < 1 || host.daemonPort > 65535) {
    throw new RangeError(`HostPaths.daemonPort must be a port number, got ${host.daemonPort}`);
  }
}
