/**
 * One pure function from (grant, limits, host facts) to the exact command that starts a plugin:
 * launcher, resource-cap wrapper, bubblewrap, setpriv and deno with its flags (or, for a system
 * addon, bash running one operation: {@linkcode ShellLaunch}). The supervisor and the addon
 * operations run it and `plugd plugin flags` prints it, so what is shown is what runs.
 */
import {
  denoRunArgs,
  expandPath,
  grantProblems,
  type HostPaths,
  PermissionError,
  type Permissions,
  type PluginView,
} from "../permissions/mod.ts";
import { bwrapArgs, type Mount } from "./bwrap_args.ts";
import type { BinFolders } from "./bin_folders.ts";
import { type CapsFacts, capsPlan, type CgroupDir } from "./caps_plan.ts";
import { assertSandbox, type SandboxInfo, switchesUids } from "./detect_sandbox.ts";
import { SandboxUnavailableError } from "./errors.ts";
import { type ShellLaunch, shellSandbox } from "./addon_sandbox.ts";
import { launcherArgv } from "./launcher.ts";
import { PLUGIN_MALLOC_TUNABLES } from "./malloc_env.ts";
import { channelFor } from "./channel_plan.ts";
import { IN_SANDBOX, SANDBOX_VIEW } from "./sandbox_paths.ts";
import { capsDrop, dropToUid } from "./uid_switch.ts";

/** Files a plugin with a `net` grant needs for DNS and TLS; bound read-only when present. */
export const NET_FILES = [
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/ssl/certs",
  "/etc/ca-certificates",
  "/usr/share/ca-certificates",
] as const;

/** Host folders of one installed plugin version; all absolute. */
export interface PluginDirs {
  /** The installed code (`$PLUGIN`). */
  pluginDir: string;
  /** `$DATA` on the host. */
  dataDir: string;
  /** `$TMP` on the host: used in flags-only mode (the sandbox gives a private tmpfs instead). */
  tmpDir: string;
  /** `runtime.js`, `bootstrap.ts`, `import_map.json` and `cache/` (from `preparePlugin`). */
  preparedDir: string;
}

/** Inputs of {@linkcode launchPlan}. */
export interface LaunchOptions {
  pluginId: string;
  grant: Permissions;
  /** The V8 heap cap (`limits.memory_mb`). */
  memoryMb: number;
  /** `limits.cpu_percent`; capped by the host's ceiling. @default the host's default share */
  cpuPercent?: number;
  /** What is never grantable on this host (grants are checked again here). */
  host: HostPaths;
  dirs: PluginDirs;
  sandbox: SandboxInfo;
  /** @default no process-level cap */
  caps?: CapsFacts;
  /**
   * The plugin's uid (and gid); required when the daemon runs as root, used when it holds the
   * unit's capabilities (`uidSwitch: "caps"`), ignored otherwise.
   */
  uid?: number;
  /** Values of granted variables; names outside `grant.env` are ignored. @default {} */
  env?: Record<string, string>;
  /** Where the secret arguments file is written (a folder only the daemon can read). */
  launchDir: string;
  /** Size of the plugin's `$TMP` tmpfs, MiB. @default 64 */
  tmpMb?: number;
  /** `$DATA`'s size limit, MiB (told to the plugin, for its error messages). */
  dataMb?: number;
  /** Largest file the plugin may write (the watched `$DATA` fallback), bytes. @default no limit */
  maxFileBytes?: number;
  /** Start inside this mount namespace (where the data volumes are mounted). */
  mountNamespace?: { nsenterPath: string; namespace: string };
  /** Test-only: host paths bound read-write at the same place (widens the mount namespace). */
  extraBinds?: string[];
  /** Run a system addon's bash operation instead of deno (bubblewrap mode only). */
  shell?: ShellLaunch;
  /** What a privileged addon never sees (see `ShellSandboxInput.hidden`). @default [] */
  hidden?: { path: string; dir: boolean }[];
  /** The daemon's pid, which a system addon's keeper checks is its parent. @default Deno.pid */
  parentPid?: number;
  /**
   * Bind the libraries, the loader, Deno and setpriv as a few folders of hard links (the plan's
   * one I/O: a stat of each, see `BinFolders`). @default one bind per file
   */
  binFolders?: BinFolders;
}

/** Everything needed to start one plugin process. */
export interface LaunchPlan {
  /** What is spawned: `argv[0]` is absolute. `plugd plugin flags` prints exactly this. */
  argv: string[];
  /** The environment `argv[0]` starts with (cleared first); no granted value in sandbox mode. */
  env: Record<string, string>;
  /** Names of the granted variables the plugin receives (their values are never shown). */
  envNames: string[];
  /**
   * Written (mode 0600) just before the spawn: NUL-separated bubblewrap arguments carrying the
   * granted values; the launcher opens it on fd 3 and deletes it, bubblewrap reads it there.
   */
  argsFile?: { path: string; args: string[] };
  /** cgroups to create before the spawn and remove after the exit. */
  cgroups: CgroupDir[];
  /** The process caps in words. */
  caps: string;
  /** Whether a cgroup cpu quota bounds CPU outside calls (else the supervisor's budget does). */
  cpuQuota: boolean;
  /** cgroup files the runner writes once the plugin is ready (the CPU quota and its burst). */
  afterReady: [file: string, value: string][];
  /** `$DATA` and `$TMP` as the plugin sees them (its `ctx.paths`). */
  paths: { data: string; tmp: string };
  /** Their size limits, MiB, told to the plugin so a "no space" error can name them. */
  quota: { dataMb?: number; tmpMb?: number };
  /**
   * The protocol's Unix socket (see `channelFor()`): the runner listens at `hostPath` (with
   * `mode`, handed to `owner` when given) before the spawn, the plugin connects to `path` (bound
   * there read-only). Absent: frames to the plugin go to its stdin.
   */
  channel?: { hostPath: string; path: string; mode: number; owner?: number };
}

const MIB = 1024 * 1024;

function hostView(dirs: PluginDirs): PluginView {
  return {
    pluginDir: dirs.pluginDir,
    dataDir: dirs.dataDir,
    tmpDir: dirs.tmpDir,
    bootstrap: `${dirs.preparedDir}/bootstrap.ts`,
    importMap: `${dirs.preparedDir}/import_map.json`,
  };
}

/**
 * The system files a sandbox mounts (host file -> path inside): the libraries, Deno, and setpriv
 * when it drops to the plugin's uid inside the sandbox (`inner`, a root daemon).
 */
export function systemMounts(
  sandbox: Pick<SandboxInfo, "libs" | "denoPath" | "setprivPath">,
  inner: boolean,
): Mount[] {
  return [
    ...sandbox.libs.map((l) => ({ src: l, dest: l })),
    { src: sandbox.denoPath, dest: IN_SANDBOX.deno },
    ...(inner ? [{ src: sandbox.setprivPath, dest: IN_SANDBOX.setpriv }] : []),
  ];
}

/**
 * The exact launch of one plugin. Throws `SandboxUnavailableError` when no sandbox is usable
 * (and flags mode was not chosen), {@linkcode PermissionError} for the first entry the host does
 * not allow, `TypeError` for a root daemon without a plugin uid.
 *
 * @example
 * ```ts
 * const plan = launchPlan({ pluginId: "hello", grant: {}, memoryMb: 128, host, dirs, sandbox,
 *   launchDir: "/var/lib/plugd/launch" });
 * plan.argv[0]; // "/usr/bin/bwrap" (or the launcher, with caps or granted variables)
 * ```
 */
export function launchPlan(o: LaunchOptions): LaunchPlan {
  const { sandbox, grant, dirs } = o;
  assertSandbox(sandbox);
  const privileged = o.shell?.privileged === true;
  if (privileged && !sandbox.root) {
    throw new SandboxUnavailableError(
      `Addon "${o.pluginId}" is privileged: it runs as root, so plugd must run as root too`,
    );
  }
  if (!privileged && (o.uid === 0 || (sandbox.root && o.uid === undefined))) {
    throw new TypeError("a plugin never runs as uid 0, and a daemon running as root needs its uid");
  }
  const problems = grantProblems(grant, o.host);
  if (problems.length > 0) throw new PermissionError(problems[0]!.field, problems[0]!.message);
  const sandboxed = sandbox.mode === "bwrap";
  if (o.shell && !sandboxed) {
    throw new SandboxUnavailableError(
      `System addon "${o.pluginId}" runs only inside the bubblewrap sandbox (bash has no ` +
        "permission flags); install bubblewrap and unset PLUGD_SANDBOX=flags",
    );
  }
  const view = sandboxed ? SANDBOX_VIEW : hostView(dirs);
  const channel = privileged ? undefined : channelFor(o);
  const deno = o.shell ? [] : denoRunArgs(grant, {
    memoryMb: o.memoryMb,
    daemonPort: o.host.daemonPort,
    view,
    channel: channel?.path,
  });
  const values = o.env ?? {};
  const granted = [...new Set(grant.env ?? [])].filter((n) => values[n] !== undefined);
  const shellValues = o.shell?.values ?? {};
  const envNames = [...new Set([...granted, ...Object.keys(shellValues)])].sort();
  const secret = Object.fromEntries(envNames.map((n) => [n, shellValues[n] ?? values[n]!]));
  const cacheDir = sandboxed ? IN_SANDBOX.cache : `${dirs.preparedDir}/cache`;
  const baseEnv = {
    DENO_DIR: cacheDir,
    DENO_NO_UPDATE_CHECK: "1",
    HOME: view.dataDir,
    NO_COLOR: "1",
    TMPDIR: view.tmpDir,
    ...(o.shell ? {} : { GLIBC_TUNABLES: PLUGIN_MALLOC_TUNABLES }),
  };
  const tmpMb = o.tmpMb ?? 64;
  const caps = capsPlan(o.caps ?? noCaps(), o.pluginId, {
    memoryMb: o.memoryMb,
    tmpMb,
    cpuPercent: o.cpuPercent,
  });
  // As root, bubblewrap builds the sandbox as root and setpriv drops to the uid inside it; with
  // the unit's capabilities (`caps`), setpriv drops before bubblewrap, which then runs unprivileged.
  const uid = switchesUids(sandbox) && !privileged ? o.uid : undefined;
  const inner = sandbox.root && uid !== undefined;
  const outer = uid !== undefined && !sandbox.root ? dropToUid(sandbox.setprivPath, uid) : [];
  // Nothing started below may keep the daemon's capabilities (bubblewrap refuses them).
  const before = outer.length > 0 ? outer : capsDrop(sandbox);
  const paths = { data: view.dataDir, tmp: view.tmpDir };
  const common = {
    envNames,
    cgroups: caps.cgroups,
    caps: caps.description,
    cpuQuota: caps.cpuQuota,
    quota: { dataMb: o.dataMb, tmpMb: sandboxed ? tmpMb : undefined },
    afterReady: caps.afterReady,
  };
  const ns = o.mountNamespace
    ? [o.mountNamespace.nsenterPath, `--mount=${o.mountNamespace.namespace}`, "--"]
    : [];
  const steps = { cgroupProcs: caps.cgroupProcs, maxFileBytes: o.maxFileBytes };

  if (!sandboxed) {
    const drop = uid === undefined ? capsDrop(sandbox) : dropToUid(sandbox.setprivPath, uid);
    const argv = [...caps.prefix, ...ns, ...drop, sandbox.denoPath, ...deno];
    return {
      ...common,
      argv: launcherArgv(argv, steps),
      // Flags mode is not a sandbox: granted values go in the process environment.
      env: { ...baseEnv, ...secret },
      paths,
    };
  }
  const hostPaths = (kinds: ("read" | "write" | "run")[]) =>
    [...new Set(kinds.flatMap((k) => grant[k] ?? []))]
      .filter((e) => e.startsWith("/"))
      .map((e): Mount => ({ src: expandPath(e, view), dest: expandPath(e, view) }));
  const at = (src: string, dest: string): Mount => ({ src, dest });
  const shell = o.shell && shellSandbox({
    shell: o.shell,
    grant,
    sandbox,
    dirs,
    hidden: o.hidden,
    dropUid: inner,
    tmpBytes: tmpMb * MIB,
    netFiles: NET_FILES,
  });
  const system = systemMounts(sandbox, inner);
  const ro = [
    at(dirs.preparedDir, IN_SANDBOX.prepared),
    at(dirs.pluginDir, IN_SANDBOX.plugin),
    ...(channel ? [at(channel.hostPath, channel.path)] : []),
  ];
  const roTry = [
    ...hostPaths(["read", "run"]),
    ...((grant.net ?? []).length > 0 ? NET_FILES.map((f) => at(f, f)) : []),
  ];
  const rwTry = hostPaths(["write"]);
  const rw = [at(dirs.dataDir, IN_SANDBOX.data), ...(o.extraBinds ?? []).map((p) => at(p, p))];
  const others = [...ro, ...roTry, ...rwTry, ...rw].map((m) => m.dest)
    .concat(IN_SANDBOX.tmp, "/proc", "/dev");
  const bwrap = shell ? shell.bwrap : bwrapArgs({
    root: sandbox.root,
    shareNet: (grant.net ?? []).length > 0,
    mountProc: sandbox.mountProc,
    ro: [...(o.binFolders?.mounts(system, others) ?? system), ...ro],
    roTry,
    rwTry,
    rw,
    tmpfs: { dest: IN_SANDBOX.tmp, bytes: tmpMb * MIB },
    env: baseEnv,
    capAdd: inner ? ["CAP_SETUID", "CAP_SETGID"] : [],
    chdir: IN_SANDBOX.data,
  });
  const argsFile = envNames.length === 0 ? undefined : {
    path: `${o.launchDir}/${o.pluginId}.args`,
    args: envNames.flatMap((n) => ["--setenv", n, secret[n]!]),
  };
  const argv = [
    ...caps.prefix,
    ...ns,
    ...before,
    sandbox.bwrapPath,
    ...bwrap,
    // After --clearenv: bubblewrap reads the granted variables' --setenv arguments from fd 3.
    ...(argsFile ? ["--args", "3"] : []),
    ...(inner ? dropToUid(IN_SANDBOX.setpriv, uid) : []),
    ...(shell ? shell.command : [IN_SANDBOX.deno, ...deno]),
  ];
  return {
    ...common,
    argv: launcherArgv(argv, {
      ...steps,
      argsFile: argsFile?.path,
      // Addon operations run host software: nothing of them may outlive the daemon.
      ...(shell
        ? { keeper: { setpriv: sandbox.setprivPath, parentPid: o.parentPid ?? Deno.pid } }
        : {}),
    }),
    env: {},
    ...(argsFile ? { argsFile } : {}),
    ...(channel ? { channel } : {}),
    paths: shell ? shell.paths : paths,
  };
}

function noCaps(): CapsFacts {
  return {
    mechanism: "none",
    overheadMb: 0,
    pidsMax: 0,
    cpuPercent: 0,
    cpuPercentMax: 0,
    cpuBurst: false,
    rlimitBaseMb: 0,
  };
}
