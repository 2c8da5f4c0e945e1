/** Map a grant onto the exact `deno run` argument list (wall 1). */

import { denyNetList } from "./deny_net.ts";
import { PermissionError } from "./errors.ts";
import { checkPermissions } from "./grammar.ts";
import { KIND_NAMES, PERMISSION_KINDS } from "./kinds.ts";
import { sortedUnique } from "./_sort.ts";
import type { Permissions, PluginView } from "./types.ts";

/** Flags every plugin starts with: no prompts, no config, no remote/npm code, cache only. */
export const BASE_RUN_FLAGS: readonly string[] = [
  "--no-prompt",
  "--no-config",
  "--no-remote",
  "--no-npm",
  "--cached-only",
];

/**
 * V8 flags every plugin runs with, after its heap cap. `--single-threaded`: V8 collects and
 * compiles on the plugin's own thread, with no helper threads, so an idle plugin keeps no memory
 * of theirs (their stacks, and the malloc heap that their compile and collection jobs fragment:
 * ~1 MiB less private memory, docs/performance.md). `--expose-gc`: the shim's idle memory release
 * takes `gc()` before any plugin module loads and blanks it on the global (without the flag it
 * loads Deno's Node layer to reach it, which then stays in memory). Neither changes what a plugin
 * may do: a GC costs only the plugin's own CPU, under its quota. The runtime module's code cache
 * is written under the same flags at prepare time: V8 rejects cached code made under others.
 */
export const PLUGIN_V8_FLAGS: readonly string[] = ["--single-threaded", "--expose-gc"];

/** Options of {@linkcode denoRunArgs}. */
export interface DenoRunArgsOptions {
  /** `limits.memory_mb`: the V8 heap cap. */
  memoryMb: number;
  /** The daemon's HTTP port, denied on every host. */
  daemonPort: number;
  /** Where the process sees its folders and generated files. */
  view: PluginView;
  /**
   * The protocol's Unix socket as the process sees it: connecting needs read, write and
   * `unix:` net access to it, so those are added (and the path is passed to the bootstrap). The
   * shim revokes all three once connected, before the plugin's module loads, so the plugin runs
   * with exactly its grant. The path must lie where no grant can reach (a sandbox path).
   * @default no socket (the protocol runs on stdin/stdout)
   */
  channel?: string;
}

/**
 * Returns the arguments after the `deno` binary that start a plugin with exactly `grant`:
 * `run`, {@linkcode BASE_RUN_FLAGS}, the `--allow-*` flags sorted by name (values sorted and
 * deduplicated, paths expanded as the process sees them; an empty list gives no flag, never a
 * bare `--allow-x`), `--deny-net=` when `net` is granted, the V8 heap cap and
 * {@linkcode PLUGIN_V8_FLAGS}, the import map, and the bootstrap module last. Kinds without a
 * Deno flag (`emit`) give none: the daemon enforces them. Throws {@linkcode PermissionError} for the first grammar problem, before producing
 * anything; host rules (state dir, daemon port) are the caller's `grantProblems`.
 *
 * @example
 * ```ts
 * denoRunArgs({ net: ["api.example.com:443"], write: ["$DATA"] }, { memoryMb: 128, daemonPort: 7420, view });
 * // ["run", "--no-prompt", ..., "--allow-net=api.example.com:443", "--allow-write=/data",
 * //  "--deny-net=0.0.0.0/8,...", "--v8-flags=--max-old-space-size=128,--single-threaded,--expose-gc",
 * //  "--import-map=...", ".../bootstrap.ts"]
 * ```
 */
export function denoRunArgs(grant: Permissions, options: DenoRunArgsOptions): string[] {
  const { memoryMb, daemonPort, view, channel } = options;
  if (!Number.isInteger(memoryMb) || memoryMb < 1) {
    throw new RangeError(`limits.memory_mb must be a positive integer, got ${memoryMb}`);
  }
  const { problems } = checkPermissions(grant, { lenientLists: true });
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
    throw new PermissionError(first.field, first.message + more);
  }
  const allow = new Map<string, string[]>();
  for (const kind of KIND_NAMES) {
    const spec = PERMISSION_KINDS[kind];
    const entries = grant[kind] ?? [];
    if (!spec.denoFlag || entries.length === 0) continue;
    const values = entries.map((e) => spec.flagValue?.(e, view) ?? e);
    allow.set(spec.denoFlag, sortedUnique([...(allow.get(spec.denoFlag) ?? []), ...values]));
  }
  const net = sortedUnique(grant.net ?? []);
  if (channel !== undefined) {
    for (const flag of ["read", "write"]) {
      allow.set(flag, sortedUnique([...(allow.get(flag) ?? []), channel]));
    }
    allow.set("net", sortedUnique([...(allow.get("net") ?? []), `unix:${channel}`]));
  }
  return [
    "run",
    ...BASE_RUN_FLAGS,
    ...[...allow.keys()].sort().map((flag) => `--allow-${flag}=${allow.get(flag)!.join(",")}`),
    // Without a net grant every host is already denied (and the sandbox gives no network).
    ...(net.length > 0 ? [`--deny-net=${denyNetList(net, daemonPort).join(",")}`] : []),
    // The heap cap is not part of V8's flag hash; the others are: prepare writes the code cache
    // under them.
    `--v8-flags=${[`--max-old-space-size=${memoryMb}`, ...PLUGIN_V8_FLAGS].join(",")}`,
    `--import-map=${view.importMap}`,
    view.bootstrap,
    ...(channel === undefined ? [] : [channel]),
  ];
}
