import { join } from "node:path";
import type { Config, StateLayout } from "../config/mod.ts";
import type { HostPaths } from "../permissions/mod.ts";
import { INSTALL_DIR } from "../runtime/mod.ts";

/** Every folder and file that belongs to one installed plugin version. */
export interface PluginPaths extends HostPaths {
  /** The installed (read-only) code: `$PLUGIN`. */
  pluginDir: string;
  /** The plugin's private writable folder: `$DATA`. */
  dataDir: string;
  /** The plugin's private temp folder: `$TMP`. */
  tmpDir: string;
  /** Bootstrap, import map and module cache (`cache/`) of this version. */
  preparedDir: string;
  /** Where the secret launch arguments are written (see `LaunchPlan.argsFile`). */
  launchDir: string;
  /** Passed type checks by content (`<state>/prepared/.typechecked`; no plugin id starts with "."). */
  checkCacheDir?: string;
}

/**
 * Where a plugin version lives: code `<state>/plugins/<id>/<version>` (read-only), `$DATA`
 * `<state>/data/<id>`, `$TMP` `<state>/tmp/<id>` (flags mode), bootstrap, import map and module
 * cache under `<state>/prepared/<id>/<version>`.
 */
export function pluginPaths(
  layout: StateLayout,
  config: Config,
  id: string,
  version: string,
): PluginPaths {
  const preparedDir = join(layout.prepared, id, version);
  // The install folder too: writing its code would run as the daemon at the next start.
  const forbidden = [config.masterKeyFile, config.socketPath, INSTALL_DIR];
  if (config.dbUrl.startsWith("file:")) forbidden.push(config.dbUrl.slice("file:".length));
  return {
    pluginDir: join(layout.plugins, id, version),
    dataDir: join(layout.data, id),
    tmpDir: join(layout.tmp, id),
    stateDir: layout.root,
    forbiddenPaths: forbidden,
    daemonPort: config.http?.port ?? 7420,
    preparedDir,
    launchDir: layout.launch,
    checkCacheDir: join(layout.prepared, ".typechecked"),
  };
}
