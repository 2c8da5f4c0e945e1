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
  PermissionError,
  type PluginView,
} from "../permissions/mod.ts";
import { bwrapArgs, type Mount } from "./bwrap_args.ts";
import { type CapsFacts, capsPlan } from "./caps_plan.ts";
import { assertSandbox, type SandboxInfo, switchesUids } from "./detect_sandbox.ts";
import type { LaunchOptions, LaunchPlan, PluginDirs } from "./launch_plan_types.ts";
import { SandboxUnavailableError } from "./errors.ts";
import { shellSandbox } from "./addon_sandbox.ts";
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

export type { LaunchOptions, LaunchPlan, PluginDirs } from "./launch_plan_types.ts";

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
    ...(inner ? dropToUid(IN_SANDBOX.setpriv, uid, true) : []),
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
