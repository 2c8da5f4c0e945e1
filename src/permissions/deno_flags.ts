/** Map a grant onto the exact `deno run` argument list (SPEC §5, wall 1). */

import type { Limits, Permissions } from "../manifest/types.ts";
import { PermissionError } from "./errors.ts";
import { grantProblems } from "./check_grantable.ts";
import { denyNetList } from "./deny_net.ts";
import { expandPath } from "./expand_path.ts";
import { sortedUnique } from "./_sort.ts";
import type { HostPaths } from "./types.ts";

/** Flags every plugin starts with: no prompts, no config, no remote/npm code, cache only. */
export const BASE_RUN_FLAGS: readonly string[] = [
  "--no-prompt",
  "--no-config",
  "--no-remote",
  "--no-npm",
  "--cached-only",
];

/**
 * Returns the arguments after the `deno` binary that start a plugin with exactly `grant`:
 * `run`, {@linkcode BASE_RUN_FLAGS}, the `--allow-*` flags sorted by name (values sorted and
 * deduplicated, paths expanded; an empty list gives no flag, never a bare `--allow-x`),
 * `--deny-net=` when `net` is granted, the V8 heap cap, the import map, and the bootstrap
 * module last. `emit` gives no flag: the daemon enforces it. Throws {@linkcode PermissionError}
 * for the first entry {@linkcode grantProblems} reports, before producing anything.
 *
 * @example
 * ```ts
 * denoRunArgs({ net: ["api.example.com:443"], write: ["$DATA"] }, { memory_mb: 128 }, host);
 * // ["run", "--no-prompt", ..., "--allow-net=api.example.com:443",
 * //  "--allow-write=/var/lib/plugd/data/foo", "--deny-net=0.0.0.0/8,...",
 * //  "--v8-flags=--max-old-space-size=128", "--import-map=/...", "/.../bootstrap.ts"]
 * ```
 */
export function denoRunArgs(
  grant: Permissions,
  limits: Pick<Limits, "memory_mb">,
  host: HostPaths,
): string[] {
  const memory = limits?.memory_mb;
  if (!Number.isInteger(memory) || memory < 1) {
    throw new RangeError(`limits.memory_mb must be a positive integer, got ${memory}`);
  }
  const problems = grantProblems(grant, host);
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
    throw new PermissionError(first.field, first.message + more);
  }
  const values = (list: string[] | undefined, map: (v: string, i: number) => string = (v) => v) =>
    sortedUnique((list ?? []).map(map));
  const path = (kind: string) => (v: string, i: number) =>
    expandPath(v, host, { field: `permissions.${kind}[${i}]` });
  const allow: [string, string[]][] = [
    ["env", values(grant.env)],
    ["net", values(grant.net)],
    ["read", values(grant.read, path("read"))],
    ["run", values(grant.run, path("run"))],
    ["sys", values(grant.sys)],
    ["write", values(grant.write, path("write"))],
  ];
  const net = values(grant.net);
  return [
    "run",
    ...BASE_RUN_FLAGS,
    ...allow.filter(([, v]) => v.length > 0).map(([kind, v]) => `--allow-${kind}=${v.join(",")}`),
    // Without a net grant every host is already denied (and the sandbox gives no network).
    ...(net.length > 0 ? [`--deny-net=${denyNetList(net, host.daemonPort).join(",")}`] : []),
    `--v8-flags=--max-old-space-size=${memory}`,
    `--import-map=${host.importMap}`,
    host.bootstrap,
  ];
}
