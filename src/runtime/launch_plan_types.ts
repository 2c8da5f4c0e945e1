/** The inputs and the result of `launchPlan()` (`launch_plan.ts`). */
import type { HostPaths, Permissions } from "../permissions/mod.ts";
import type { BinFolders } from "./bin_folders.ts";
import type { CapsFacts, CgroupDir } from "./caps_plan.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import type { ShellLaunch } from "./addon_sandbox.ts";

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
