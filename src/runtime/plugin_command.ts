/** Compose the full command for one plugin: grant → Deno flags → sandbox. */
import type { Manifest, Permissions } from "../manifest/types.ts";
import { denoRunArgs } from "../permissions/mod.ts";
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

function allowValues(args: string[], kind: string): string[] {
  const a = args.find((x) => x.startsWith(`--allow-${kind}=`));
  return a ? a.slice(`--allow-${kind}=`.length).split(",") : [];
}

/**
 * The exact command line (sandbox + Deno flags) for a plugin; what `plugd plugin flags` prints.
 * Throws `SandboxUnavailableError` when no sandbox is usable and flags mode was not chosen.
 */
export function pluginCommand(o: PluginCommandOptions): SpawnCommand {
  assertSandbox(o.sandbox);
  const d = o.dirs;
  const denoArgs = denoRunArgs(o.grant, o.manifest.limits, {
    pluginDir: d.pluginDir,
    dataDir: d.dataDir,
    tmpDir: d.tmpDir,
    stateDir: d.stateDir,
    forbiddenPaths: d.forbiddenPaths ?? [],
    daemonPort: d.daemonPort ?? 7420,
    bootstrap: join(d.preparedDir, "bootstrap.ts"),
    importMap: join(d.preparedDir, "import_map.json"),
  });
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
    extraReadPaths: [...allowValues(denoArgs, "read"), ...allowValues(denoArgs, "run")]
      .filter(outside),
    extraWritePaths: allowValues(denoArgs, "write").filter(outside),
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
