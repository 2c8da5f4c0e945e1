/**
 * The plugin runtime module: plugd's shim and `@plugd/sdk` bundled into one ES module, which a
 * prepared plugin loads instead of their ~20 files (each module costs a start its lookups, reads
 * and cache queries). plugd's own code only: a plugin's files are never bundled, so what runs of
 * the plugin is what its integrity check hashed, and its stack traces name its own files.
 */
import { BundleError } from "./errors.ts";
import { stopBundler, withEsbuild } from "./esbuild_service.ts";

/**
 * The text of `entry` bundled with everything it imports, `node:` built-ins left as imports
 * (dynamic ones stay dynamic: the Node layer loads only when first used), no source map. Its
 * comments name each module relative to `root` (plugd's installation), never the host's path.
 *
 * @example
 * ```ts
 * const js = await bundleRuntime("/opt/plugd/src/runtime/shim/runtime_module.ts", "/opt/plugd");
 * ```
 */
export async function bundleRuntime(entry: string, root: string): Promise<string> {
  try {
    const out = await withEsbuild((esbuild) =>
      esbuild.build({
        entryPoints: [entry],
        absWorkingDir: root,
        bundle: true,
        write: false,
        format: "esm",
        platform: "neutral",
        target: "esnext",
        external: ["node:*"],
        legalComments: "none",
        charset: "utf8",
        logLevel: "silent",
      })
    );
    return out.outputFiles[0]!.text;
  } catch (e) {
    throw new BundleError(`bundling plugd's runtime module failed: ${(e as Error).message}`);
  } finally {
    await stopBundler().catch(() => {});
  }
}
