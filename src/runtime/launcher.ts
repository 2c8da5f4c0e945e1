/**
 * The launcher: a POSIX `sh -c` script in front of the sandbox that joins the plugin's cgroups and
 * opens the secret arguments file on fd 3 (then deletes it) before `exec`-ing the rest, so no
 * plugin code ever runs outside its cgroup and no granted value is ever on a command line.
 *
 * System-addon operations use the keeper variant instead ({@linkcode KEEPER_SCRIPT}): bubblewrap's
 * `--die-with-parent` leaves two windows open (its outer process arms it only after cloning the
 * sandbox, the sandbox's pid 1 only once its mounts are set up), and a daemon killed inside one
 * leaves a sandbox running with parent pid 1. The keeper closes both, as long as every bubblewrap
 * process stays in the process group it kills: an addon's sandbox is built without bubblewrap's
 * `--new-session` (whose setsid() in pid 1 came before pid 1 armed its death signal).
 */

/** The launcher's steps, then `exec` (shared by the launcher and a seat). */
const STEPS_LOOP = 'while [ "$1" != -- ]; do case "$1" in ' +
  '--cgroup) echo $$ > "$2" || exit 125;; ' +
  '--args-file) exec 3< "$2"; rm -f -- "$2";; ' +
  '--fsize) ulimit -f "$2" || exit 125;; ' +
  '*) exit 125;; esac; shift 2; done; shift; exec "$@"';

/**
 * The script; its arguments are `[--cgroup FILE | --args-file FILE | --fsize BLOCKS]... --
 * COMMAND...` (`--fsize`: RLIMIT_FSIZE in 512-byte blocks, `ulimit -f`).
 */
export const LAUNCHER_SCRIPT = STEPS_LOOP;

/**
 * A seat (`_cgroup_seat.ts`): started ahead of a plugin, it joins the `cgroup.procs` files it is
 * given, says `ready` on stdout and waits on stdin. `go` makes it source its command file (the
 * launcher's options without `--cgroup`, `--`, the command, as one `set --` line: see
 * {@linkcode seatCommandFile}) and go on as the launcher; end of input (its daemon is gone) makes
 * it exit. Arguments: `COMMAND_FILE CGROUP_PROCS...`. It reads one short line only: dash reads a
 * pipe a byte per system call. The daemon deletes the command file once the plugin is ready (or
 * gone): `rm` is no builtin of dash, and its fork and exec were on every start's path.
 */
export const SEAT_SCRIPT = 'f=$1; shift; for p; do echo $$ > "$p" || exit 125; done; ' +
  'echo ready || exit 125; IFS= read -r go || exit 0; [ "$go" = go ] || exit 125; ' +
  '. "$f" || exit 125; ' + STEPS_LOOP;

/** `argv[0]` of a seat as `ps` shows it. */
export const SEAT_NAME = "plugd-seat";

/**
 * The keeper, started by `setpriv --pdeathsig TERM` so it gets SIGTERM the moment the daemon dies
 * (however it dies). It refuses to start when its parent is no longer the daemon (`--parent PID`:
 * the daemon died before the death signal was armed), starts the command in its own session and
 * waits for it; SIGTERM (the daemon's death, a timeout, a cancel) kills that whole process group
 * with SIGKILL, which takes both bubblewrap processes whatever step they are at, and the sandbox
 * with its pid 1 (whose death ends its pid namespace, so also what the script moved to a session
 * of its own). One kill(-pgid) is atomic against forks: a child being forked gets the signal too.
 * The command must keep its pid 1 in that group: no `bwrap --new-session` under the keeper.
 * Arguments: `--parent PID` then the launcher's options, `--`, the command.
 */
export const KEEPER_SCRIPT = 'trap \'kill -KILL "$!" "-$!" 2>/dev/null; exit 143\' TERM INT HUP; ' +
  'while [ "$1" != -- ]; do case "$1" in ' +
  '--parent) [ "$PPID" = "$2" ] || exit 125;; ' +
  '--cgroup) echo $$ > "$2" || exit 125;; ' +
  '--args-file) exec 3< "$2"; rm -f -- "$2";; ' +
  '--fsize) ulimit -f "$2" || exit 125;; ' +
  "*) exit 125;; esac; shift 2; done; shift; " +
  // A background job's stdin is /dev/null unless redirected explicitly: keep the keeper's.
  'exec 4<&0; setsid "$@" <&4 4<&- & exec 3<&- 4<&-; wait "$!"; exit "$?"';

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
  /**
   * Run the command under the keeper (system-addon operations): `setpriv` at `setpriv` arms the
   * death signal, `parentPid` is the daemon's pid.
   */
  keeper?: { setpriv: string; parentPid: number };
}

/**
 * Prefixes `command` with the launcher when there is a step to take; returns it unchanged
 * otherwise. With `keeper`, always prefixes it with `setpriv --pdeathsig TERM` and the keeper.
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
  if (steps.keeper) {
    const { setpriv, parentPid } = steps.keeper;
    return [
      setpriv,
      "--pdeathsig",
      "TERM",
      "--",
      LAUNCHER_SHELL,
      "-c",
      KEEPER_SCRIPT,
      "plugd-keep",
      "--parent",
      String(parentPid),
      ...options,
      "--",
      ...command,
    ];
  }
  if (options.length === 0) return command;
  return [LAUNCHER_SHELL, "-c", LAUNCHER_SCRIPT, "plugd-launch", ...options, "--", ...command];
}

/** A launcher command line taken apart: the `--cgroup` files, the other options, the command. */
export interface LauncherParts {
  cgroupProcs: string[];
  /** Option and value pairs other than `--cgroup`, in order. */
  options: string[];
  command: string[];
}

/**
 * Takes apart what {@linkcode launcherArgv} made without a keeper; null for anything else (a
 * command without the launcher, a keeper's).
 */
export function parseLauncherArgv(argv: string[]): LauncherParts | null {
  const head = [LAUNCHER_SHELL, "-c", LAUNCHER_SCRIPT, "plugd-launch"];
  if (head.some((a, i) => argv[i] !== a)) return null;
  const out: LauncherParts = { cgroupProcs: [], options: [], command: [] };
  let i = head.length;
  for (; argv[i] !== "--"; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === undefined || value === undefined) return null;
    if (flag === "--cgroup") out.cgroupProcs.push(value);
    else out.options.push(flag, value);
  }
  out.command = argv.slice(i + 1);
  return out.command.length > 0 ? out : null;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * What a seat sources on `go`: one `set --` line with the launcher's options (no `--cgroup`: the
 * seat is in its cgroups already), `--` and the command, each word single-quoted.
 */
export function seatCommandFile(parts: Pick<LauncherParts, "options" | "command">): string {
  return `set -- ${[...parts.options, "--", ...parts.command].map(shellQuote).join(" ")}\n`;
}
