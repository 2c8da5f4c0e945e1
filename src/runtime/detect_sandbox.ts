/** Find out, once at daemon start, which sandbox this host can give plugins. */
import { SandboxUnavailableError } from "./errors.ts";
import { capsDrop, detectUidSwitch, type UidSwitch } from "./uid_switch.ts";

/** `bwrap`: OS sandbox (default). `flags`: Deno flags only (operator opt-in, `PLUGD_SANDBOX=flags`). */
export type SandboxMode = "bwrap" | "flags";

/** What {@linkcode detectSandbox} found. */
export interface SandboxInfo {
  /** `none`: no usable sandbox and flags-only mode not chosen: plugins must not start. */
  mode: SandboxMode | "none";
  /** Real path of the Deno binary plugins run with. */
  denoPath: string;
  /** Shared libraries of the Deno binary and of setpriv (from `ldd`), mounted read-only. */
  libs: string[];
  bwrapPath: string;
  setprivPath: string;
  /**
   * Whether the daemon runs as root. Then bubblewrap builds the sandbox as root (so it reaches
   * folders under a 0700 home or temp dir) and setpriv drops to the plugin's uid inside it;
   * otherwise bubblewrap runs as the daemon's user in a user namespace.
   */
  root: boolean;
  /**
   * How plugins get uids of their own: as `root`; with the capabilities scripts/plugd.service
   * grants (`caps`: setpriv drops to the plugin's uid before bubblewrap, which then runs
   * unprivileged in a user namespace); or not at all (`none`: plugins share the daemon's uid).
   * @default "root" when `root`, else "none"
   */
  uidSwitch?: UidSwitch;
  /** Why plugins do or do not get uids of their own. */
  uidReason?: string;
  /** Why this mode was chosen; shown in logs and `plugd plugin flags`. */
  reason: string;
  /**
   * Whether sandboxes get a fresh /proc. The kernel refuses a new procfs in a user namespace
   * when the host's /proc is partly covered (systemd's ProtectKernelTunables/ProtectProc), so
   * there plugins run without /proc (Deno needs it only for `Deno.execPath()` and `osRelease`).
   * @default true
   */
  mountProc?: boolean;
}

/** Options of {@linkcode detectSandbox}. */
export interface DetectSandboxOptions {
  /** `PLUGD_SANDBOX` value: `flags` opts into Deno-flags-only mode. @default Deno.env.get("PLUGD_SANDBOX") */
  requested?: string;
  /** @default the running Deno binary */
  denoPath?: string;
  /** @default "/usr/bin/bwrap" */
  bwrapPath?: string;
  /** @default "/usr/bin/setpriv" */
  setprivPath?: string;
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" })
      .output();
    const text = new TextDecoder();
    return { ok: r.success, out: text.decode(r.stdout) + text.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: String(e) };
  }
}

/** Parse `ldd` output into absolute library paths. */
export function parseLdd(out: string): string[] {
  const libs = new Set<string>();
  for (const line of out.split("\n")) {
    const m = line.match(/=>\s*(\/\S+)/) ?? line.match(/^\s*(\/\S+)\s+\(/);
    if (m) libs.add(m[1]!);
  }
  return [...libs].sort();
}

/** The shared libraries `binaries` load (from `ldd`), sorted: those a sandbox mounts. */
export async function sandboxLibs(binaries: string[]): Promise<string[]> {
  const libs = new Set<string>();
  for (const binary of binaries) {
    const ldd = await run("ldd", [binary]);
    if (ldd.ok) parseLdd(ldd.out).forEach((l) => libs.add(l));
  }
  return [...libs].sort();
}

/** The namespaces of a sandbox: all of them as a user; as root all but the user namespace. */
export function unshareArgs(root: boolean, shareNet: boolean): string[] {
  if (!root) return ["--unshare-all", ...(shareNet ? ["--share-net"] : [])];
  return [
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...(shareNet ? [] : ["--unshare-net"]),
  ];
}

/**
 * Probe bubblewrap with a trivial sandbox. Without it, plugins are refused unless
 * `PLUGD_SANDBOX=flags`.
 */
export async function detectSandbox(options: DetectSandboxOptions = {}): Promise<SandboxInfo> {
  const {
    requested = Deno.env.get("PLUGD_SANDBOX"),
    bwrapPath = "/usr/bin/bwrap",
    setprivPath = "/usr/bin/setpriv",
  } = options;
  const denoPath = await Deno.realPath(options.denoPath ?? Deno.execPath());
  const root = Deno.uid() === 0;
  const libs = await sandboxLibs(root ? [denoPath, setprivPath] : [denoPath]);
  const { uidSwitch, reason: uidReason } = await detectUidSwitch();
  const base = {
    denoPath,
    libs,
    bwrapPath,
    setprivPath,
    root,
    uidSwitch,
    uidReason,
  };
  if (requested === "flags") {
    return {
      ...base,
      mode: "flags",
      reason: "PLUGD_SANDBOX=flags: Deno flags only, NO OS sandbox",
    };
  }
  const [first, ...rest] = [...capsDrop(base), bwrapPath];
  const probe = (withProc: boolean) =>
    run(first!, [
      ...rest,
      ...unshareArgs(root, false),
      "--die-with-parent",
      "--ro-bind",
      "/",
      "/",
      ...(withProc ? ["--proc", "/proc"] : []),
      "/bin/true",
    ]);
  if ((await probe(true)).ok) {
    return { ...base, mode: "bwrap", reason: "bubblewrap sandbox available" };
  }
  const r = await probe(false);
  if (r.ok) {
    return {
      ...base,
      mode: "bwrap",
      mountProc: false,
      reason: "bubblewrap sandbox available, without /proc (the host's /proc is partly covered, " +
        "e.g. by systemd ProtectKernelTunables, so a fresh procfs cannot be mounted)",
    };
  }
  return {
    ...base,
    mode: "none",
    reason: `bubblewrap is not usable (${r.out.trim().slice(0, 200)}); install the Debian ` +
      `package "bubblewrap" and allow user namespaces, or set PLUGD_SANDBOX=flags to run plugins ` +
      `with Deno flags only (NOT a sandbox)`,
  };
}

/** Whether plugins run under uids of their own (the daemon is root or holds the unit's caps). */
export function switchesUids(info: Pick<SandboxInfo, "root" | "uidSwitch">): boolean {
  return info.root || info.uidSwitch === "caps";
}

/** Throw {@linkcode SandboxUnavailableError} when plugins must not start on this host. */
export function assertSandbox(
  info: SandboxInfo,
): asserts info is SandboxInfo & { mode: SandboxMode } {
  if (info.mode === "none") {
    throw new SandboxUnavailableError(`Refusing to start plugins: ${info.reason}`);
  }
}
