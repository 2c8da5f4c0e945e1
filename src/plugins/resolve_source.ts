import { resolve } from "node:path";
import type { PluginContext } from "./plugin_context.ts";
import type { InstallSource } from "./install_plugin.ts";
import { ConflictError } from "./errors.ts";

/**
 * Turns what the operator named into a folder to install from, runs `use` on it, and cleans
 * up. A plain folder is an unsigned dev install: refused outside dev mode.
 */
export async function resolveSource<T>(
  ctx: PluginContext,
  source: string,
  _options: { allowDowngrade?: boolean },
  use: (resolved: InstallSource) => Promise<T>,
): Promise<T> {
  const path = resolve(source);
  const info = await Deno.stat(path).catch(() => null);
  if (info?.isDirectory) {
    if (!ctx.config.dev) {
      throw new ConflictError(
        `Installing from a plain folder (${path}) is allowed only in dev mode; ` +
          `sign a package with "plugd plugin pack ${source} --sign KEY" and install the .tgz, ` +
          `or run the daemon with --dev`,
      );
    }
    return await use({ dir: path, label: path, signedBy: null });
  }
  throw new ConflictError(
    `Cannot install from "${source}": not a plugin folder` +
      (info ? "" : " (no such file or folder; use an absolute path)"),
  );
}
