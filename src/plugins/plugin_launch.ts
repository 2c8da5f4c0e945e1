/** From an installed plugin to its launch plan: folders, the prepared layout, the exact command. */
import { dirname } from "node:path";
import {
  type DiskLimit,
  type LaunchPlan,
  launchPlan,
  PREPARED_FOR,
  preparePlugin,
  type SandboxInfo,
} from "../runtime/mod.ts";
import type { PluginRuntime } from "./plugin_context.ts";
import type { PluginPaths } from "./plugin_paths.ts";
import type { PluginRecord } from "./types.ts";

/**
 * Creates `$DATA` (and `$TMP` for flags mode) owned by the plugin's uid, mode 0700. Their parent
 * stays 0700 so no other user reaches anything a plugin wrote (a setuid file, a 0777 folder).
 * Flags mode as root must open the parent to traversal (0711), since there the plugin's own uid
 * walks to its folder; then the folder itself is the wall: `root:<plugin gid>` 0770, which the
 * plugin may write in but, not being its owner, never open to others.
 */
export async function prepareDirs(
  paths: PluginPaths,
  sandbox: SandboxInfo,
  uid: number | undefined,
): Promise<void> {
  const open = sandbox.mode === "flags" && sandbox.root;
  for (const dir of [paths.dataDir, paths.tmpDir]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    if (uid === undefined) continue;
    const owner = await Deno.stat(dir);
    if (!open) {
      if (owner.uid !== uid) await chownTree(dir, uid);
      continue;
    }
    if (owner.gid !== uid) await chownTree(dir, uid);
    await Deno.chown(dir, 0, uid);
    await Deno.chmod(dir, 0o770);
  }
  for (const dir of [dirname(paths.dataDir), dirname(paths.tmpDir)]) {
    await Deno.chmod(dir, open ? 0o711 : 0o700);
  }
}

/**
 * Prepares the plugin again (without the type check done at install) when its prepared files
 * are for another layout: the daemon switched between the sandbox and flags-only mode.
 */
export async function ensurePrepared(
  plugin: PluginRecord,
  paths: PluginPaths,
  sandbox: SandboxInfo,
): Promise<void> {
  const want = sandbox.mode === "bwrap" ? "sandbox" : "host";
  const have = await Deno.readTextFile(`${paths.preparedDir}/${PREPARED_FOR}`).catch(() => "");
  if (have === want) return;
  await preparePlugin({
    pluginDir: paths.pluginDir,
    entry: plugin.manifest.entry,
    preparedDir: paths.preparedDir,
    sandbox,
    typeCheck: false,
  });
}

/**
 * Gives `dir` and everything in it to `uid` (also its gid), never following a symlink: folders
 * made by an older plugd, or before plugins had uids of their own, change hands once.
 */
async function chownTree(dir: string, uid: number): Promise<void> {
  const out = await new Deno.Command("chown", {
    args: ["-R", "-P", "-h", `${uid}:${uid}`, "--", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`chown of ${dir} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/**
 * Everything a start needs on the host, before the plan: the plugin's uid, its folders, its
 * prepared files for this sandbox mode, its `$DATA` volume. Returns the uid.
 */
export async function readyToLaunch(
  plugin: PluginRecord,
  runtime: PluginRuntime,
  paths: PluginPaths,
): Promise<number | undefined> {
  const uid = await runtime.uids?.uidOf(plugin.id);
  await prepareDirs(paths, runtime.sandbox, uid);
  await ensurePrepared(plugin, paths, runtime.sandbox);
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
    uid,
    env,
    launchDir: paths.launchDir,
    tmpMb: quotas.tmpMb,
    dataMb: quotas.dataMb,
    // Watched $DATA: no single file may outgrow the whole quota before the watch notices.
    maxFileBytes: volumes.mode === "watched" ? quotas.dataMb * 1024 * 1024 : undefined,
    mountNamespace: holder
      ? { nsenterPath: holder.nsenterPath, namespace: holder.namespace }
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
