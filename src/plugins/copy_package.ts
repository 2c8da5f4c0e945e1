import type { Manifest } from "../manifest/mod.ts";
import { digestDir, preparePlugin, type SandboxInfo } from "../runtime/mod.ts";
import { dirname, join } from "node:path";
import { CONTRACT_UID, prepareAddon } from "./addon_launch.ts";

/**
 * Copies the listed files (relative paths, already checked: no links, no special files) from
 * `fromDir` into `toDir`, then makes the copy read-only (files 0444, folders 0555) so neither
 * the plugin nor a slip in the daemon can change installed code.
 */
export async function copyPackage(fromDir: string, toDir: string, files: string[]): Promise<void> {
  await Deno.mkdir(toDir, { recursive: true, mode: 0o755 });
  const dirs = new Set<string>([toDir]);
  for (const rel of files) {
    const target = join(toDir, rel);
    const parent = dirname(target);
    if (!dirs.has(parent)) {
      await Deno.mkdir(parent, { recursive: true, mode: 0o755 });
      dirs.add(parent);
    }
    await Deno.copyFile(join(fromDir, rel), target);
    await Deno.chmod(target, 0o444);
  }
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await Deno.chmod(dir, 0o555);
}

/** Removes a read-only tree made by {@linkcode copyPackage}. */
export async function removePackage(dir: string): Promise<void> {
  try {
    await makeWritable(dir);
    await Deno.remove(dir, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function makeWritable(dir: string): Promise<void> {
  await Deno.chmod(dir, 0o755);
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) await makeWritable(join(dir, entry.name));
  }
}

/**
 * Lays out one plugin version for running: replaces its code folder with a read-only copy of
 * `files` from `sourceDir`, writes its bootstrap and import map, checks and caches its module
 * graph (a system addon: checks its contract instead), and returns the digest recorded for the
 * integrity check at every start. `typeCheck: false` (a signed package: its author's
 * `plugd plugin pack` type-checked it) skips only the type check, never the graph check.
 */
export async function stageVersion(
  paths: { pluginDir: string; preparedDir: string; checkCacheDir?: string },
  sourceDir: string,
  files: string[],
  options: { entry: string; sandbox: SandboxInfo; manifest?: Manifest; typeCheck?: boolean },
): Promise<string> {
  await removePackage(paths.pluginDir);
  await removePackage(paths.preparedDir);
  await copyPackage(sourceDir, paths.pluginDir, files);
  if (options.manifest?.kind === "system") {
    await prepareAddon(options.manifest, paths, { sandbox: options.sandbox, uid: CONTRACT_UID });
    return await digestDir(paths.pluginDir);
  }
  await preparePlugin({
    pluginDir: paths.pluginDir,
    entry: options.entry,
    preparedDir: paths.preparedDir,
    sandbox: options.sandbox,
    checkCacheDir: paths.checkCacheDir,
    typeCheck: options.typeCheck ?? true,
  });
  return await digestDir(paths.pluginDir);
}
