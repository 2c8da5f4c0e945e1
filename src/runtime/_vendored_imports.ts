/** A prepared plugin's import map entries for the npm bundles its package carries. */
import { PluginPrepareError } from "./errors.ts";
import { join, toFileUrl } from "./_path.ts";

/**
 * The npm dependencies bundled into the package at pack time (`vendor/npm/plugd-deps.json`,
 * one of its signed files): each specifier mapped to its bundle, as the plugin process sees it.
 */
export async function vendoredImports(
  pluginDir: string,
  seenPlugin: string,
): Promise<Record<string, string>> {
  const text = await Deno.readTextFile(join(pluginDir, "vendor/npm/plugd-deps.json")).catch(
    () => undefined,
  );
  if (text === undefined) return {};
  let deps: { imports?: Record<string, unknown> };
  try {
    deps = JSON.parse(text);
  } catch (e) {
    throw new PluginPrepareError(`vendor/npm/plugd-deps.json is not JSON: ${(e as Error).message}`);
  }
  const out: Record<string, string> = {};
  for (const [spec, rel] of Object.entries(deps.imports ?? {})) {
    // Only bare specifiers, only files of the bundle folder: the graph check sees the rest.
    if (
      typeof rel !== "string" || !/^\.\/[A-Za-z0-9@_.-]+\.js$/.test(rel) || /^[./]|:/.test(spec)
    ) {
      throw new PluginPrepareError(`vendor/npm/plugd-deps.json maps ${JSON.stringify(spec)} oddly`);
    }
    out[spec] = toFileUrl(join(seenPlugin, `vendor/npm/${rel.slice(2)}`));
  }
  return out;
}
