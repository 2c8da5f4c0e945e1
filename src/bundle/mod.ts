/**
 * npm dependencies bundled at pack time: `dependencies.npm` in `plugin.yaml` is resolved with a
 * lockfile (`plugd.lock`), checked (no native addons, no install scripts, no dynamic loading)
 * and bundled by esbuild into `vendor/npm/` of the package, so the running plugin never fetches
 * anything and its module graph holds only files of its package.
 *
 * @example
 * ```ts
 * const staged = await stagePackage("./my-plugin", "/tmp/stage");
 * staged.dependencies; // [{ name: "yaml", version: "2.9.1", integrity: "sha512-…", license: "ISC" }]
 * ```
 * @module
 */
export {
  type BundledPackage,
  DEPS_FILE,
  type DepsFile,
  packageOf,
  VENDOR_DIR,
} from "./bundle_npm.ts";
export { BundleError } from "./errors.ts";
export { LOCK_FILE, type StagedPackage, stagePackage } from "./stage_package.ts";
export { bundleRuntime } from "./runtime_bundle.ts";
