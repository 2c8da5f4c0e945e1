/** Check a plugin's module graph (`deno info --json`) against the sandbox's allowed roots. */
import { PluginPrepareError } from "./errors.ts";
import { fromFileUrl, isInside } from "./_path.ts";

interface InfoDep {
  specifier: string;
  code?: { specifier?: string };
  type?: { specifier?: string };
}
interface InfoModule {
  specifier: string;
  error?: string;
  dependencies?: InfoDep[];
}

/** Options of {@linkcode checkModuleGraph}. */
export interface CheckModuleGraphOptions {
  /** Folders whose files may be imported (plugin folder, SDK, shim, prepared folder). */
  allowedDirs: string[];
}

function allowed(spec: string, dirs: string[]): boolean {
  if (spec.startsWith("node:")) return true;
  if (!spec.startsWith("file:")) return false;
  const path = fromFileUrl(spec);
  return dirs.some((d) => isInside(path, d));
}

/**
 * Throw {@linkcode PluginPrepareError} naming the first offending specifier and its importer when
 * the graph reaches anything but files in `allowedDirs` and `node:` builtins (no `npm:`, `jsr:`,
 * `http(s):`, no outside files, including literal dynamic imports).
 */
export function checkModuleGraph(info: unknown, options: CheckModuleGraphOptions): void {
  const modules = (info as { modules?: InfoModule[] }).modules;
  if (!Array.isArray(modules)) throw new PluginPrepareError("deno info returned no module list");
  const dirs = options.allowedDirs;
  const fix = "plugins may import only their own files, @plugd/sdk and node: builtins; " +
    "vendor the code into the plugin folder";
  for (const m of modules) {
    for (const d of m.dependencies ?? []) {
      for (const resolved of [d.code?.specifier, d.type?.specifier]) {
        if (resolved !== undefined && !allowed(resolved, dirs)) {
          throw new PluginPrepareError(
            `Module "${m.specifier}" imports "${d.specifier}" (${resolved}), which is not ` +
              `allowed: ${fix}`,
          );
        }
      }
    }
  }
  for (const m of modules) {
    if (!allowed(m.specifier, dirs)) {
      throw new PluginPrepareError(
        `The module graph contains "${m.specifier}", which is not allowed: ${fix}`,
      );
    }
    if (m.error) {
      throw new PluginPrepareError(`Module "${m.specifier}" cannot be loaded: ${m.error}`);
    }
  }
}
