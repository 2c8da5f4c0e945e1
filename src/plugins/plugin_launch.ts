/** From an installed plugin to its launch plan: folders, the prepared layout, the exact command. */
import { appendAudit } from "../audit/mod.ts";
import {
  checkPreparedCode,
  type DiskLimit,
  type LaunchPlan,
  launchPlan,
  PREPARED_FOR,
  type PreparedCodeCheck,
  preparedMarker,
  preparePlugin,
  removeAddedEntries,
  type SandboxInfo,
} from "../runtime/mod.ts";
import { openCodeToPlugin, prepareDirs } from "./folder_owners.ts";
import type { PluginContext, PluginRuntime } from "./plugin_context.ts";
import type { PluginPaths } from "./plugin_paths.ts";
import type { PluginRecord } from "./types.ts";

/** Prepared folders being prepared again, by folder: a start waits, never runs a half-written one. */
const preparing = new Map<string, Promise<void>>();

/**
 * Prepares the plugin again (without the type check done at install) when its prepared files
 * are for another layout (the daemon switched between the sandbox and flags-only mode), were
 * written by an older plugd, or no longer match the digests recorded when they were prepared:
 * the runtime module runs before the plugin's own files are checked, so a changed one must never
 * run. Returns what the check found ("current": nothing was done).
 */
export async function ensurePrepared(
  plugin: PluginRecord,
  paths: PluginPaths,
  sandbox: SandboxInfo,
): Promise<PreparedCodeCheck> {
  const dir = paths.preparedDir;
  // One prepare of a folder at a time: a launch's and a restart's could otherwise overlap.
  for (let busy = preparing.get(dir); busy; busy = preparing.get(dir)) await busy;
  const want = preparedMarker(sandbox.mode === "bwrap" ? "sandbox" : "host");
  const check = checkPreparedCode(dir, readMarker(`${dir}/${PREPARED_FOR}`), want);
  if (check.status === "current") {
    // Passed by hash and old enough: sealed, so the next starts hash nothing (a write in place).
    if (check.sealed) writeMarker(`${dir}/${PREPARED_FOR}`, check.sealed);
    return { status: "current" };
  }
  // Entries plugd did not write go first: a prepare rewrites only its own.
  if (check.status === "changed") removeAddedEntries(dir, check.added);
  const again = prepareAgain(plugin, paths, sandbox);
  preparing.set(dir, again.catch(() => {}).finally(() => preparing.delete(dir)));
  await again;
  return check;
}

async function prepareAgain(
  plugin: PluginRecord,
  paths: PluginPaths,
  sandbox: SandboxInfo,
): Promise<void> {
  // Gone first: a prepare cut short leaves no marker, and the new one is a new file, whose mode
  // tells openCodeToPlugin() to open the rewritten folder to the plugin's uid again.
  await Deno.remove(`${paths.preparedDir}/${PREPARED_FOR}`).catch(() => {});
  await preparePlugin({
    pluginDir: paths.pluginDir,
    entry: plugin.manifest.entry,
    preparedDir: paths.preparedDir,
    sandbox,
    typeCheck: false,
  });
}

/** The prepared folder's marker, "" when there is none: a short file, read sync on each start. */
function readMarker(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** Writes the sealed marker over the old one; a failed write costs the next start a hashing. */
function writeMarker(path: string, text: string): void {
  try {
    Deno.writeTextFileSync(path, text);
  } catch { /* a read-only state dir: the next start checks by hash again */ }
}

/** {@linkcode ensurePrepared}, with the log line and the audit entry of changed files. */
async function checkPrepared(
  plugin: PluginRecord,
  ctx: Pick<PluginContext, "runtime" | "store" | "log">,
  paths: PluginPaths,
): Promise<PreparedCodeCheck> {
  const check = await ensurePrepared(plugin, paths, ctx.runtime.sandbox);
  if (check.status !== "changed") return check;
  const files = check.files.join(", ");
  ctx.log(
    `plugin ${plugin.id}: its prepared files changed since plugd wrote them (${files} in ` +
      `${paths.preparedDir}); prepared again, the changed files did not run`,
  );
  await appendAudit(ctx.store, {
    actor: "daemon",
    action: "plugin.prepared_changed",
    target: plugin.id,
    result: "ok",
    detail: { version: plugin.version, files: check.files, added: check.added },
  });
  return check;
}

/**
 * The prepared-code check of each start, right before its process spawns (the supervisor calls
 * the plan for every start: a restart after a crash, an on-demand start, a standby), so only the
 * code plugd wrote ever runs, not only at launch. Changed files are prepared again, logged and
 * audited as at launch. The check alone is a few sync reads and SHA-256s (about 0.1 ms).
 */
export async function preparedForStart(
  plugin: PluginRecord,
  ctx: Pick<PluginContext, "runtime" | "store" | "log">,
  paths: PluginPaths,
  uid: number | undefined,
): Promise<void> {
  const check = await checkPrepared(plugin, ctx, paths);
  if (check.status !== "current" && uid !== undefined) {
    await openCodeToPlugin(paths, ctx.runtime.sandbox, PREPARED_FOR);
  }
}

/**
 * Everything a start needs on the host, before the plan: the plugin's uid, its folders, its
 * prepared files for this sandbox mode (prepared again, logged and audited, when they changed
 * since they were written), its `$DATA` volume. Returns the uid. `startsNow`: the plugin's
 * process is spawned right after, and its plan checks the prepared files right before the spawn
 * ({@linkcode preparedForStart}), so they are not checked here too; a plugin registered to start
 * on demand has them checked (and prepared again if need be) now, and again at each start.
 */
export async function readyToLaunch(
  plugin: PluginRecord,
  ctx: Pick<PluginContext, "runtime" | "store" | "log">,
  paths: PluginPaths,
  startsNow = false,
): Promise<number | undefined> {
  const { runtime } = ctx;
  const uid = await runtime.uids?.uidOf(plugin.id);
  await prepareDirs(paths, runtime.sandbox, uid);
  if (!startsNow) await checkPrepared(plugin, ctx, paths);
  if (uid !== undefined) await openCodeToPlugin(paths, runtime.sandbox, PREPARED_FOR);
  await runtime.volumes.attach(
    plugin.id,
    paths.dataDir,
    uid ?? Deno.uid() ?? 0,
    runtime.quotas.dataMb,
  );
  return uid;
}

/** The plugin's `$DATA` limit as the supervisor watches and reports it. */
export function dataLimit(id: string, runtime: PluginRuntime, dataDir: string): DiskLimit {
  return {
    limitBytes: runtime.quotas.dataMb * 1024 * 1024,
    usage: (maxAgeMs) => runtime.volumes.usedBytes(id, dataDir, maxAgeMs),
    enforcement: runtime.volumes.mode === "image" ? "volume" : "watched",
  };
}

/** The plan the supervisor starts and `plugd plugin flags` prints, from the current grant. */
export function pluginPlan(
  plugin: Pick<PluginRecord, "id" | "manifest" | "granted">,
  runtime: PluginRuntime,
  paths: PluginPaths,
  uid: number | undefined,
  getEnv: (name: string) => string | undefined = (n) => Deno.env.get(n),
): LaunchPlan {
  const grant = plugin.granted ?? plugin.manifest.permissions;
  const env: Record<string, string> = {};
  for (const name of grant.env ?? []) {
    const value = getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  const { volumes, quotas } = runtime;
  const holder = volumes.holder;
  return launchPlan({
    pluginId: plugin.id,
    grant,
    memoryMb: plugin.manifest.limits.memory_mb,
    cpuPercent: plugin.manifest.limits.cpu_percent,
    host: paths,
    dirs: paths,
    sandbox: runtime.sandbox,
    caps: runtime.caps,
    binFolders: runtime.binFolders,
    uid,
    env,
    launchDir: paths.launchDir,
    tmpMb: quotas.tmpMb,
    dataMb: quotas.dataMb,
    // Watched $DATA: no single file may outgrow the whole quota before the watch notices.
    maxFileBytes: volumes.mode === "watched" ? quotas.dataMb * 1024 * 1024 : undefined,
    // Its volume's own namespace: none of the other plugins' volumes is mounted in it.
    mountNamespace: holder
      ? { nsenterPath: holder.nsenterPath, namespace: volumes.namespaceOf(plugin.id)! }
      : undefined,
  });
}

/** The exact command line and the names (never the values) of the granted variables. */
export function commandLine(plan: LaunchPlan): { argv: string[]; env: string[] } {
  return { argv: plan.argv, env: plan.envNames };
}

/** Why a plugin cannot start without more config, and the command that fixes it. */
export function configIncomplete(
  id: string,
  problems: { field: string; message: string }[],
): string {
  return `config incomplete: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}; ` +
    `set it with "plugd plugin config ${id} key=value"`;
}
