/** The exact command line a plugin runs under: pure, deterministic, unit-tested. */
import type { SpawnCommand } from "./types.ts";

/** `bwrap`: OS sandbox (default). `flags`: Deno flags only (operator opt-in, `PLUGD_SANDBOX=flags`). */
export type SandboxMode = "bwrap" | "flags";

/** Files a plugin with a `net` grant needs for DNS and TLS; bound read-only when present. */
export const NET_FILES = [
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/ssl/certs",
  "/etc/ca-certificates",
  "/usr/share/ca-certificates",
] as const;

/** Inputs of {@linkcode sandboxCommand}; all paths absolute. */
export interface SandboxCommandOptions {
  mode: SandboxMode;
  /** Host path of the real Deno binary (mounted at the same path). */
  denoPath: string;
  /** `deno` arguments, starting with `run` (from `denoRunArgs()`). */
  denoArgs: string[];
  pluginDir: string;
  dataDir: string;
  tmpDir: string;
  /** The prepared folder holding `bootstrap.ts` and `import_map.json`. */
  preparedDir: string;
  /** The prepared module cache (`DENO_DIR`), mounted read-only. */
  cacheDir: string;
  /** The SDK folder and the shim folder, mounted read-only. */
  sdkDir: string;
  shimDir: string;
  /** Whether the plugin has a `net` grant (shares the host network namespace). */
  hasNet: boolean;
  /** Drop to this uid/gid with `setpriv` (set when the daemon is root). */
  runAsUid?: number;
  /** @default runAsUid */
  runAsGid?: number;
  /** Shared libraries of the Deno binary (from `ldd`), mounted read-only. @default [] */
  libs?: string[];
  /** Give the sandbox a fresh /proc (see `SandboxInfo.mountProc`). @default true */
  mountProc?: boolean;
  /** Granted environment variables with their values. @default {} */
  env?: Record<string, string>;
  /** Granted host paths outside the plugin's own folders, mounted read-only. @default [] */
  extraReadPaths?: string[];
  /** Granted writable host paths, mounted read-write. @default [] */
  extraWritePaths?: string[];
  /** @default "/usr/bin/bwrap" */
  bwrapPath?: string;
  /** @default "/usr/bin/setpriv" */
  setprivPath?: string;
}

/** The environment every plugin gets: cleared, then granted vars plus these. */
export function pluginEnv(o: {
  env?: Record<string, string>;
  cacheDir: string;
  dataDir: string;
  tmpDir: string;
}): Record<string, string> {
  const all: Record<string, string> = {
    ...(o.env ?? {}),
    DENO_DIR: o.cacheDir,
    HOME: o.dataDir,
    TMPDIR: o.tmpDir,
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
  return Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]!]));
}

function requireAbsolute(name: string, p: string): void {
  if (!p.startsWith("/")) throw new TypeError(`${name} must be an absolute path, got "${p}"`);
}

/**
 * Build the command that starts one plugin.
 *
 * @example
 * ```ts
 * const { cmd, args } = sandboxCommand({ mode: "flags", denoPath: "/usr/bin/deno",
 *   denoArgs: ["run", "/p/bootstrap.ts"], pluginDir: "/p", dataDir: "/d", tmpDir: "/t",
 *   preparedDir: "/p", cacheDir: "/c", sdkDir: "/s", shimDir: "/h", hasNet: false });
 * ```
 */
export function sandboxCommand(o: SandboxCommandOptions): SpawnCommand {
  const dirs = {
    denoPath: o.denoPath,
    pluginDir: o.pluginDir,
    dataDir: o.dataDir,
    tmpDir: o.tmpDir,
    preparedDir: o.preparedDir,
    cacheDir: o.cacheDir,
    sdkDir: o.sdkDir,
    shimDir: o.shimDir,
  };
  for (const [k, v] of Object.entries(dirs)) requireAbsolute(k, v);
  if (o.denoArgs[0] !== "run") throw new TypeError('denoArgs must start with "run"');
  if (o.mode !== "bwrap" && o.mode !== "flags") {
    throw new TypeError(`mode must be "bwrap" or "flags", got "${o.mode}"`);
  }
  const env = pluginEnv(o);
  const inner = [o.denoPath, ...o.denoArgs];
  const setpriv = (argv: string[]): string[] => {
    if (o.runAsUid === undefined) return argv;
    const gid = o.runAsGid ?? o.runAsUid;
    return [
      o.setprivPath ?? "/usr/bin/setpriv",
      `--reuid=${o.runAsUid}`,
      `--regid=${gid}`,
      "--clear-groups",
      "--inh-caps=-all",
      ...argv,
    ];
  };

  if (o.mode === "flags") {
    const argv = setpriv(inner);
    return { cmd: argv[0]!, args: argv.slice(1), env };
  }

  const ro = new Set<string>([
    ...(o.libs ?? []),
    o.denoPath,
    o.cacheDir,
    o.pluginDir,
    o.sdkDir,
    o.shimDir,
    o.preparedDir,
  ]);
  const rw = new Set<string>([o.dataDir, o.tmpDir]);
  // Granted host paths may not exist (yet): "-try" mounts skip missing ones.
  const roTry = new Set((o.extraReadPaths ?? []).filter((p) => !ro.has(p) && !rw.has(p)));
  const rwTry = new Set((o.extraWritePaths ?? []).filter((p) => !rw.has(p)));
  for (const p of [...ro, ...rw, ...roTry, ...rwTry]) requireAbsolute("mount path", p);
  // Parents before children, so a nested mount lands on top of its parent's.
  const byDepth = (a: string, b: string): number =>
    a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0);

  const bw: string[] = ["--unshare-all"];
  if (o.hasNet) bw.push("--share-net");
  bw.push("--die-with-parent", "--new-session", "--clearenv");
  for (const [k, v] of Object.entries(env)) bw.push("--setenv", k, v);
  for (const p of [...ro].sort(byDepth)) bw.push("--ro-bind", p, p);
  for (const p of [...roTry].sort(byDepth)) bw.push("--ro-bind-try", p, p);
  if (o.hasNet) { for (const p of NET_FILES) bw.push("--ro-bind-try", p, p); }
  for (const p of [...rwTry].sort(byDepth)) bw.push("--bind-try", p, p);
  for (const p of [...rw].sort(byDepth)) bw.push("--bind", p, p);
  if (o.mountProc !== false) bw.push("--proc", "/proc");
  bw.push("--dev", "/dev", "--chdir", o.dataDir);

  const argv = setpriv([o.bwrapPath ?? "/usr/bin/bwrap", ...bw, ...inner]);
  return { cmd: argv[0]!, args: argv.slice(1), env };
}
