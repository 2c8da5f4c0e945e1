/**
 * The launcher: a POSIX `sh -c` script in front of the sandbox that joins the plugin's cgroups and
 * opens the secret arguments file on fd 3 (then deletes it) before `exec`-ing the rest, so no
 * plugin code ever runs outside its cgroup and no granted value is ever on a command line.
 */

/**
 * The script; its arguments are `[--cgroup FILE | --args-file FILE | --fsize BLOCKS]... --
 * COMMAND...` (`--fsize`: RLIMIT_FSIZE in 512-byte blocks, `ulimit -f`).
 */
export const LAUNCHER_SCRIPT = 'while [ "$1" != -- ]; do case "$1" in ' +
  '--cgroup) echo $$ > "$2" || exit 125;; ' +
  '--args-file) exec 3< "$2"; rm -f -- "$2";; ' +
  '--fsize) ulimit -f "$2" || exit 125;; ' +
  '*) exit 125;; esac; shift 2; done; shift; exec "$@"';

/** `argv[0]` of the launcher. */
export const LAUNCHER_SHELL = "/bin/sh";

/** What the launcher does before `exec`. */
export interface LauncherSteps {
  /** `cgroup.procs` files to join, in order. @default [] */
  cgroupProcs?: string[];
  /** A file holding NUL-separated arguments, opened on fd 3 and deleted. */
  argsFile?: string;
  /** Largest file the command may write, bytes (rounded up to 512-byte blocks). */
  maxFileBytes?: number;
}

/**
 * Prefixes `command` with the launcher when there is a step to take; returns it unchanged
 * otherwise.
 *
 * @example
 * ```ts
 * launcherArgv(["/usr/bin/bwrap", "--args", "3"], { argsFile: "/var/lib/plugd/launch/foo.args" });
 * // ["/bin/sh", "-c", LAUNCHER_SCRIPT, "plugd-launch", "--args-file", "...", "--", "/usr/bin/bwrap", ...]
 * ```
 */
export function launcherArgv(command: string[], steps: LauncherSteps): string[] {
  const options = [
    ...(steps.cgroupProcs ?? []).flatMap((f) => ["--cgroup", f]),
    ...(steps.argsFile === undefined ? [] : ["--args-file", steps.argsFile]),
    ...(steps.maxFileBytes === undefined
      ? []
      : ["--fsize", String(Math.ceil(steps.maxFileBytes / 512))]),
  ];
  if (options.length === 0) return command;
  return [LAUNCHER_SHELL, "-c", LAUNCHER_SCRIPT, "plugd-launch", ...options, "--", ...command];
}
