/** Fixed paths inside the sandbox: a plugin never sees where plugd keeps its files on the host. */
import type { PluginView } from "../permissions/mod.ts";

/** Where each mounted folder appears inside every sandbox. */
export const IN_SANDBOX = {
  /** `$PLUGIN`: the installed code, read-only. */
  plugin: "/plugin",
  /** `$DATA`: the private data folder, writable; also the cwd and `HOME`. */
  data: "/data",
  /** `$TMP`: a private size-limited tmpfs; also `TMPDIR`. */
  tmp: "/tmp",
  /** The Deno binary (`Deno.execPath()`). */
  deno: "/plugd/bin/deno",
  /** setpriv, which drops to the plugin's uid inside the sandbox when plugd runs as root. */
  setpriv: "/plugd/bin/setpriv",
  /**
   * `@plugd/sdk`'s sources, mounted only while a plugin is prepared (its type check): a running
   * plugin imports the SDK from the runtime module in the prepared folder.
   */
  sdk: "/plugd/sdk",
  /** Runtime module, bootstrap, import map and the module cache (`DENO_DIR`), read-only. */
  prepared: "/plugd/prepared",
  /** The module cache inside the prepared folder. */
  cache: "/plugd/prepared/cache",
  /** The protocol's socket (host -> plugin frames), bound from the daemon's launch folder. */
  channel: "/plugd/channel.sock",
} as const;

/** The folders and generated files of a plugin as it sees them inside the sandbox. */
export const SANDBOX_VIEW: PluginView = Object.freeze({
  pluginDir: IN_SANDBOX.plugin,
  dataDir: IN_SANDBOX.data,
  tmpDir: IN_SANDBOX.tmp,
  bootstrap: `${IN_SANDBOX.prepared}/bootstrap.ts`,
  importMap: `${IN_SANDBOX.prepared}/import_map.json`,
});
