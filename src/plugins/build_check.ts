/**
 * The checks an install runs on a plugin folder, runnable anywhere: the manifest and package
 * (`loadPluginDir`), then a read-only copy prepared exactly as an install prepares it (module
 * graph inside the package, type check, warm cache). `plugd plugin validate` and the test
 * harness use it, so validate, test and install agree, message for message.
 */
import { join } from "node:path";
import { loadPluginDir, type Manifest } from "../manifest/mod.ts";
import { preparePlugin, type SandboxInfo } from "../runtime/mod.ts";
import { copyPackage, removePackage, stageVersion } from "./copy_package.ts";

/** A plugin folder staged as an install would stage it. */
export interface StagedCheck {
  manifest: Manifest;
  /** The package's files (relative paths). */
  files: string[];
  /** The read-only copy and its prepared files. */
  pluginDir: string;
  preparedDir: string;
}

/**
 * Stages `dir` under `into` (`<into>/plugin`, `<into>/prepared`). Throws `ManifestError` for
 * manifest and package problems and `PluginPrepareError` for the module graph and type check.
 */
export async function stageForCheck(
  dir: string,
  into: string,
  options: { sandbox: SandboxInfo; typeCheck?: boolean },
): Promise<StagedCheck> {
  const { manifest, dir: sourceDir, files } = await loadPluginDir(dir);
  const paths = { pluginDir: join(into, "plugin"), preparedDir: join(into, "prepared") };
  if (options.typeCheck === false) {
    await copyPackage(sourceDir, paths.pluginDir, files);
    await preparePlugin({
      ...paths,
      entry: manifest.entry,
      sandbox: options.sandbox,
      typeCheck: false,
    });
  } else {
    await stageVersion(paths, sourceDir, files, {
      entry: manifest.entry,
      sandbox: options.sandbox,
    });
  }
  return { manifest, files, ...paths };
}

/** Runs the install's checks on `dir` in a temporary folder, removed afterwards. */
export async function checkLikeInstall(
  dir: string,
  sandbox: SandboxInfo,
): Promise<{ manifest: Manifest; files: string[] }> {
  const tmp = await Deno.makeTempDir({ prefix: "plugd-check-" });
  try {
    const { manifest, files } = await stageForCheck(dir, tmp, { sandbox });
    return { manifest, files };
  } finally {
    await removePackage(join(tmp, "plugin")).catch(() => {});
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}
