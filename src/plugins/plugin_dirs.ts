import { pluginCommand, type SandboxInfo } from "../runtime/mod.ts";
import type { PluginPaths } from "./plugin_paths.ts";
import type { PluginRecord } from "./types.ts";

/** Whether a plugin can be started on demand: only actions and cron jobs, nothing synchronous. */
export function onDemand(plugin: PluginRecord): boolean {
  return plugin.manifest.routes.length === 0 &&
    plugin.manifest.hooks.every((h) => h.kind === "action");
}

/** Creates `$DATA` and `$TMP`, owned by the sandbox uid when the daemon runs as root. */
export async function prepareDirs(paths: PluginPaths, sandbox: SandboxInfo): Promise<void> {
  for (const dir of [paths.dataDir, paths.tmpDir]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const uid = (sandbox as { runAsUid?: number | null }).runAsUid;
    if (typeof uid === "number") await Deno.chown(dir, uid, uid);
  }
}

/** The exact command line (sandbox + Deno flags) and the names of its environment variables. */
export function commandLine(
  plugin: PluginRecord,
  sandbox: SandboxInfo,
  paths: PluginPaths,
): { argv: string[]; env: string[] } {
  const command = pluginCommand({
    manifest: plugin.manifest,
    grant: plugin.granted ?? plugin.manifest.permissions,
    sandbox,
    dirs: paths,
  });
  return { argv: [command.cmd, ...command.args], env: Object.keys(command.env).sort() };
}

/** Throws unless a `health()` answer says `healthy` or `degraded` (or says nothing). */
export function assertHealthy(answer: unknown): void {
  const status = (answer as { status?: unknown } | null)?.status;
  if (status !== undefined && status !== "healthy" && status !== "degraded") {
    throw new Error(`health check answered ${JSON.stringify(answer)}`);
  }
}
