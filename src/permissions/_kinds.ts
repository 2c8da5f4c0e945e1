/** Private: the permission keys and the closed value sets Deno knows. */

import type { PermissionKind } from "../manifest/types.ts";

/**
 * The permission keys in canonical order. A copy of `PERMISSION_KINDS` from the manifest area,
 * because this area may import only types from it; the check below keeps both in step.
 */
export const KINDS = [
  "net",
  "read",
  "write",
  "env",
  "sys",
  "run",
  "emit",
] as const satisfies readonly PermissionKind[];

// Compile-time: fails if the manifest adds a kind that this list lacks.
const _exhaustive: Exclude<PermissionKind, typeof KINDS[number]> extends never ? true : never =
  true;
void _exhaustive;

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

/** Environment prefixes never passed to a plugin: daemon secrets, Deno runtime knobs, loader. */
export const FORBIDDEN_ENV_PREFIXES: readonly string[] = ["PLUGD_", "DENO_", "LD_"];
