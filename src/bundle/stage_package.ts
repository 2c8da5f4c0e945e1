/**
 * A plugin folder as a package: its files copied into a staging folder and, when `plugin.yaml`
 * declares `dependencies.npm`, those packages resolved with a lockfile and bundled into
 * `vendor/npm/`. Pack, a dev-mode folder install, validate and the test harness all start here,
 * so each sees the same package.
 */
import { dirname, join } from "node:path";
import { loadPluginDir, type Manifest } from "../manifest/mod.ts";
import {
  type BundledPackage,
  bundleNpm,
  packageOf,
  scanImports,
  VENDOR_DIR,
} from "./bundle_npm.ts";
import { stopBundler } from "./esbuild_service.ts";
import { BundleError } from "./errors.ts";
import { resolveNpm } from "./resolve_npm.ts";

/** The lockfile of a plugin's npm dependencies, kept in its folder (not part of the package). */
export const LOCK_FILE = "plugd.lock";

/** A staged package. */
export interface StagedPackage {
  manifest: Manifest;
  /** The staging folder (the package's root). */
  dir: string;
  /** The package's files, bundles included. */
  files: string[];
  /** The bundled npm packages (the bill of materials); empty without `dependencies.npm`. */
  dependencies: BundledPackage[];
}

/** Copies (and bundles) the plugin folder `dir` into the empty or absent folder `out`. */
export async function stagePackage(dir: string, out: string): Promise<StagedPackage> {
  const plugin = await loadPluginDir(dir);
  await Deno.mkdir(out, { recursive: true });
  for (const file of plugin.files) {
    await Deno.mkdir(dirname(join(out, file)), { recursive: true });
    await Deno.copyFile(join(plugin.dir, file), join(out, file));
  }
  const npm = plugin.manifest.dependencies.npm;
  if (!npm) return { manifest: plugin.manifest, dir: out, files: plugin.files, dependencies: [] };
  if (plugin.files.some((f) => f.startsWith(`${VENDOR_DIR}/`))) {
    throw new BundleError(
      `${VENDOR_DIR}/ is where plugd puts bundled npm dependencies; move your files elsewhere`,
    );
  }
  const build = await Deno.makeTempDir({ prefix: "plugd-npm-" });
  try {
    const imports = [...await scanImports(out, plugin.manifest.entry)].sort();
    const missing = imports.filter((s) => !Object.hasOwn(npm, packageOf(s)));
    if (missing.length > 0) {
      throw new BundleError(
        `the plugin imports ${missing.map((s) => `"${s}"`).join(", ")}, which ` +
          `${missing.length > 1 ? "are" : "is"} not in dependencies.npm of plugin.yaml; add ` +
          `${packageOf(missing[0]!)}: "<exact version>" there`,
        packageOf(missing[0]!),
      );
    }
    const resolved = await resolveNpm(npm, join(build, "npm"), join(plugin.dir, LOCK_FILE));
    const deps = imports.length > 0
      ? await bundleNpm(resolved, imports, out)
      : { packages: [] as BundledPackage[] };
    const staged = await loadPluginDir(out);
    return {
      manifest: staged.manifest,
      dir: out,
      files: staged.files,
      dependencies: deps.packages,
    };
  } finally {
    await stopBundler().catch(() => {});
    await Deno.remove(build, { recursive: true }).catch(() => {});
  }
}
