/**
 * The bubblewrap sandbox of a system addon (bash instead of deno), built from the same grant
 * rules as a plugin's: the host's libraries and a fixed set of shell tools read-only, its script
 * at `/plugin`, `$DATA` at `/data`, a private `/tmp`, granted `read`/`write` paths bound as such,
 * granted `run` executables, and the network only with a `net` grant (all or nothing: shell code
 * is not held to the listed hosts). `privileged` swaps the file walls for the host's filesystem
 * as root (plugd's own files hidden), keeping the namespaces, `--die-with-parent` and the caps.
 * Pure: the caller spawns it through the launch plan.
 *
 * No `--new-session` here: an operation always runs under the keeper (`launcher.ts`), which starts
 * bubblewrap in a session of its own (no controlling terminal, so nothing to inject input into) and
 * on the daemon's death SIGKILLs that session's process group. bubblewrap's `--new-session` made
 * the sandbox's pid 1 leave that group (setsid) before it armed `--die-with-parent`; a kill between
 * the two left pid 1 and the script running under the host's init.
 */
import { expandPath, type Permissions } from "../permissions/mod.ts";
import { bwrapArgs, type Mount } from "./bwrap_args.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import { unshareArgs } from "./detect_sandbox.ts";
import { SHIM_DIR } from "./runtime_dirs.ts";
import { IN_SANDBOX, SANDBOX_VIEW } from "./sandbox_paths.ts";

/** A system addon's bash operation, for {@linkcode LaunchOptions.shell}. */
export interface ShellLaunch {
  /** The script, relative to the plugin folder (the manifest's `entry`). */
  entry: string;
  /** What the runner does: `[operation, ...arguments]`, or `["--contract"]`. */
  args: string[];
  /** Root on the host filesystem (the `privileged` grant). @default false */
  privileged?: boolean;
  /**
   * Variables set inside the sandbox through the secret arguments file (never on a command line):
   * `ADDON_CONFIG_<KEY>` and the whole config as JSON. @default {}
   */
  values?: Record<string, string>;
  /** `ADDON_ID` and `ADDON_VERSION` (not secret: on the command line). */
  id: string;
  version: string;
}

/** Host path of the runner script (`src/runtime/shim/addon.sh`). */
export const ADDON_RUNNER = `${SHIM_DIR}/addon.sh`;

/** The runner inside an unprivileged sandbox. */
export const RUNNER_IN_SANDBOX = "/plugd/addon.sh";

/** The runner inside a privileged sandbox: on the private /tmp, so nothing is made on the host. */
export const RUNNER_PRIVILEGED = "/tmp/.plugd/addon.sh";

/** Library folders bound read-only (when present) so bash and the tools load. */
export const SHELL_LIB_DIRS = ["/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/libexec"];
// With merged /usr, /lib and /lib64 are links into /usr: bound as the folders they point to.

/**
 * The shell tools every system addon gets, at their host paths when present: text and file
 * utilities that can only touch what the sandbox shows. Anything else needs a `run` grant.
 */
export const SHELL_TOOLS: readonly string[] = [
  "awk",
  "base64",
  "basename",
  "bash",
  "cat",
  "chmod",
  "cmp",
  "comm",
  "cp",
  "cut",
  "date",
  "df",
  "diff",
  "dirname",
  "du",
  "env",
  "expr",
  "false",
  "find",
  "flock",
  "fold",
  "getopt",
  "grep",
  "gunzip",
  "gzip",
  "head",
  "id",
  "install",
  "jq",
  "join",
  "kill",
  "ln",
  "ls",
  "md5sum",
  "mkdir",
  "mktemp",
  "mv",
  "nl",
  "nohup",
  "nproc",
  "od",
  "paste",
  "printf",
  "ps",
  "readlink",
  "realpath",
  "rev",
  "rm",
  "rmdir",
  "sed",
  "seq",
  "setsid",
  "sh",
  "sha1sum",
  "sha256sum",
  "sleep",
  "sort",
  "split",
  "stat",
  "sync",
  "tac",
  "tail",
  "tar",
  "tee",
  "test",
  "timeout",
  "touch",
  "tr",
  "true",
  "uname",
  "uniq",
  "wc",
  "xargs",
  "yes",
  "zcat",
].map((t) => `/usr/bin/${t}`);

/** `PATH` inside the sandbox. */
export const SHELL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** What {@linkcode shellSandbox} needs from the launch plan. */
export interface ShellSandboxInput {
  shell: ShellLaunch;
  grant: Permissions;
  sandbox: SandboxInfo;
  dirs: { pluginDir: string; dataDir: string };
  /**
   * Covered in a privileged addon's view (the state dir and the other plugd locations that exist,
   * folders by an empty tmpfs, files by `/dev/null`). @default []
   */
  hidden?: { path: string; dir: boolean }[];
  /** Whether setpriv drops to the addon's uid (unprivileged, daemon as root). */
  dropUid: boolean;
  tmpBytes: number;
  netFiles: readonly string[];
}

/** The bubblewrap arguments and the command run inside. */
export interface ShellSandbox {
  bwrap: string[];
  command: string[];
  /** `$DATA` and `$TMP` as the script sees them. */
  paths: { data: string; tmp: string };
}

/** Builds a system addon's sandbox and command (see the module doc). */
export function shellSandbox(i: ShellSandboxInput): ShellSandbox {
  const { shell, grant, sandbox } = i;
  const net = (grant.net ?? []).length > 0;
  const privileged = shell.privileged === true;
  const view = privileged
    ? { ...SANDBOX_VIEW, pluginDir: i.dirs.pluginDir, dataDir: i.dirs.dataDir }
    : SANDBOX_VIEW;
  const env = {
    ADDON_DATA: view.dataDir,
    ADDON_ID: shell.id,
    ADDON_PLUGIN: view.pluginDir,
    ADDON_VERSION: shell.version,
    HOME: view.dataDir,
    LANG: "C.UTF-8",
    PATH: SHELL_PATH,
    TMPDIR: IN_SANDBOX.tmp,
  };
  const runner = privileged ? RUNNER_PRIVILEGED : RUNNER_IN_SANDBOX;
  const command = ["/usr/bin/bash", runner, shell.args[0]!, `${view.pluginDir}/${shell.entry}`];
  const paths = { data: view.dataDir, tmp: IN_SANDBOX.tmp };
  if (privileged) {
    return {
      bwrap: privilegedArgs(i, env, net),
      command: [...command, ...shell.args.slice(1)],
      paths,
    };
  }
  const at = (src: string, dest: string): Mount => ({ src, dest });
  const hostPaths = (kinds: ("read" | "write" | "run")[]) =>
    [...new Set(kinds.flatMap((k) => grant[k] ?? []))]
      .filter((e) => e.startsWith("/"))
      .map((e) => at(expandPath(e, view), expandPath(e, view)));
  const bwrap = bwrapArgs({
    root: sandbox.root,
    shareNet: net,
    mountProc: sandbox.mountProc,
    ro: [
      at(ADDON_RUNNER, RUNNER_IN_SANDBOX),
      ...(i.dropUid ? [at(sandbox.setprivPath, IN_SANDBOX.setpriv)] : []),
      at(i.dirs.pluginDir, IN_SANDBOX.plugin),
    ],
    roTry: [
      ...[...SHELL_LIB_DIRS, ...SHELL_TOOLS].map((p) => at(p, p)),
      ...hostPaths(["read", "run"]),
      ...(net ? i.netFiles.map((f) => at(f, f)) : []),
    ],
    rwTry: hostPaths(["write"]),
    rw: [at(i.dirs.dataDir, IN_SANDBOX.data)],
    tmpfs: { dest: IN_SANDBOX.tmp, bytes: i.tmpBytes },
    env,
    capAdd: i.dropUid ? ["CAP_SETUID", "CAP_SETGID"] : [],
    chdir: IN_SANDBOX.data,
    newSession: false,
  });
  // Merged /usr (Debian 12+): scripts and programs that say /bin/sh or /sbin/x find them.
  const links = ["--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin"];
  return { bwrap: [...bwrap, ...links], command: [...command, ...shell.args.slice(1)], paths };
}

/**
 * Root on the host filesystem: `/` bound read-write, a fresh `/proc`, the host's `/dev`, a private
 * `/tmp`; plugd's state dir and locations covered (an empty tmpfs over folders, `/dev/null` over
 * files) against accidents, not as a wall: root can undo any mount.
 */
function privilegedArgs(i: ShellSandboxInput, env: Record<string, string>, net: boolean): string[] {
  const hide = [...(i.hidden ?? [])].sort((a, b) => a.path < b.path ? -1 : 1);
  return [
    ...unshareArgs(true, net),
    "--die-with-parent",
    // No --new-session: see the module doc.
    "--clearenv",
    ...Object.keys(env).sort().flatMap((k) => ["--setenv", k, env[k]!]),
    "--bind",
    "/",
    "/",
    "--dev-bind",
    "/dev",
    "/dev",
    ...(i.sandbox.mountProc === false ? [] : ["--proc", "/proc"]),
    "--perms",
    "1777",
    "--size",
    String(i.tmpBytes),
    "--tmpfs",
    "/tmp",
    ...hide.flatMap((h) => h.dir ? ["--tmpfs", h.path] : ["--ro-bind", "/dev/null", h.path]),
    "--ro-bind",
    i.dirs.pluginDir,
    i.dirs.pluginDir,
    "--bind",
    i.dirs.dataDir,
    i.dirs.dataDir,
    "--ro-bind",
    ADDON_RUNNER,
    RUNNER_PRIVILEGED,
    "--chdir",
    i.dirs.dataDir,
  ];
}
