/** Compose the full command for one plugin: grant → Deno flags → sandbox. */
import type { Manifest, Permissions } from "../manifest/mod.ts";
import { denoRunArgs, expandPath, grantProblems, PermissionError } from "../permissions/mod.ts";
import { assertSandbox, type SandboxInfo } from "./detect_sandbox.ts";
import type { HandlerSet } from "./protocol.ts";
import { SDK_DIR, SHIM_DIR } from "./runtime_dirs.ts";
import { sandboxCommand } from "./sandbox_command.ts";
import type { SpawnCommand } from "./types.ts";
import { isInside, join } from "./_path.ts";

/** Folders of one installed plugin; all absolute. */
export interface PluginDirs {
  pluginDir: string;
  dataDir: string;
  tmpDir: string;
  /** Holds `bootstrap.ts` and `import_map.json` (from `preparePlugin`). */
  preparedDir: string;
  cacheDir: string;
  /** The daemon's state dir (never grantable). */
  stateDir: string;
  /** @default [] */
  forbiddenPaths?: string[];
  /** The daemon's HTTP port (never grantable). @default 7420 */
  daemonPort?: number;
}

/** Inputs of {@linkcode pluginCommand}. */
export interface PluginCommandOptions {
  manifest: Pick<Manifest, "limits">;
  grant: Permissions;
  sandbox: SandboxInfo;
  dirs: PluginDirs;
  /** Where granted env var values come from. @default Deno.env.get */
  getEnv?: (name: string) => string | undefined;
}

/**
 * The exact command line (sandbox + Deno flags) for a plugin; what `plugd plugin flags` prints.
 * Throws `SandboxUnavailableError` when no sandbox is usable and flags mode was not chosen.
 */
export function pluginCommand(o: PluginCommandOptions): SpawnCommand {
  assertSandbox(o.sandbox);
  const d = o.dirs;
  const host = {
    stateDir: d.stateDir,
    forbiddenPaths: d.forbiddenPaths ?? [],
    daemonPort: d.daemonPort ?? 7420,
  };
  const problems = grantProblems(o.grant, host);
  if (problems.length > 0) throw new PermissionError(problems[0]!.field, problems[0]!.message);
  const view = {
    pluginDir: d.pluginDir,
    dataDir: d.dataDir,
    tmpDir: d.tmpDir,
    bootstrap: join(d.preparedDir, "bootstrap.ts"),
    importMap: join(d.preparedDir, "import_map.json"),
  };
  const denoArgs = denoRunArgs(o.grant, {
    memoryMb: o.manifest.limits.memory_mb,
    daemonPort: host.daemonPort,
    view,
  });
  const hostPaths = (kinds: ("read" | "write" | "run")[]) =>
    kinds.flatMap((k) => o.grant[k] ?? []).map((e) => expandPath(e, view));
  const getEnv = o.getEnv ?? ((n: string) => Deno.env.get(n));
  const env: Record<string, string> = {};
  for (const name of o.grant.env ?? []) {
    const v = getEnv(name);
    if (v !== undefined) env[name] = v;
  }
  const mounted = [d.pluginDir, d.dataDir, d.tmpDir];
  const outside = (p: string) => !mounted.some((m) => isInside(p, m));
  return sandboxCommand({
    mode: o.sandbox.mode,
    denoPath: o.sandbox.denoPath,
    denoArgs,
    pluginDir: d.pluginDir,
    dataDir: d.dataDir,
    tmpDir: d.tmpDir,
    preparedDir: d.preparedDir,
    cacheDir: d.cacheDir,
    sdkDir: SDK_DIR,
    shimDir: SHIM_DIR,
    hasNet: (o.grant.net ?? []).length > 0,
    runAsUid: o.sandbox.runAsUid,
    libs: o.sandbox.libs,
    mountProc: o.sandbox.mountProc,
    env,
    extraReadPaths: hostPaths(["read", "run"]).filter(outside),
    extraWritePaths: hostPaths(["write"]).filter(outside),
    bwrapPath: o.sandbox.bwrapPath,
    setprivPath: o.sandbox.setprivPath,
  });
}

/** The handlers a manifest declares, in the shape of the hello frame. */
export function manifestHandlers(
  m: Pick<Manifest, "hooks" | "routes" | "cron">,
): HandlerSet {
  const of = (kind: string) => m.hooks.filter((h) => h.kind === kind).map((h) => h.name);
  return {
    actions: of("action"),
    filters: of("filter"),
    gates: of("gate"),
    routes: m.routes.map((r) => `${r.method} ${r.path}`),
    cron: m.cron.map((c) => c.name),
    lifecycle: [],
  };
}
