/**
 * The checks an install runs on a plugin folder, runnable anywhere: the manifest and package
 * (`loadPluginDir`), then a read-only copy prepared exactly as an install prepares it (module
 * graph inside the package, type check, warm cache). `plugd plugin validate` and the test
 * harness use it, so validate, test and install agree, message for message.
 */
import { join } from "node:path";
import type { Manifest } from "../manifest/mod.ts";
import { type BundledPackage, stagePackage } from "../bundle/mod.ts";
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
  /** The npm packages bundled into it. */
  dependencies: BundledPackage[];
}

/**
 * Stages `dir` under `into` (`<into>/plugin`, `<into>/prepared`), npm dependencies bundled as
 * pack bundles them. Throws `ManifestError` for manifest and package problems, `BundleError` for
 * dependencies, and `PluginPrepareError` for the module graph and type check.
 */
export async function stageForCheck(
  dir: string,
  into: string,
  options: { sandbox: SandboxInfo; typeCheck?: boolean },
): Promise<StagedCheck> {
  const staged = await stagePackage(dir, join(into, "source"));
  const { manifest, dir: sourceDir, files } = staged;
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
  await Deno.remove(sourceDir, { recursive: true }).catch(() => {});
  return { manifest, files, ...paths, dependencies: staged.dependencies };
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
