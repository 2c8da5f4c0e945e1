/** Private test fixtures: the host and the plugin view every permissions test uses. */

import type { HostPaths, PluginView } from "./types.ts";

/** A host whose state dir is /srv/plugd-state (the standard plugd locations are refused anyway). */
export const HOST: HostPaths = {
  stateDir: "/srv/plugd-state",
  forbiddenPaths: [
    "/srv/plugd-state/plugd.db",
    "/srv/plugd-state/master.key",
    "/srv/sockets/plugd.sock",
    "/home/ops/plugd", // the install folder
  ],
  daemonPort: 7420,
};

/** Plugin "foo" as it sees itself inside the sandbox. */
export const VIEW: PluginView = {
  pluginDir: "/plugin",
  dataDir: "/data",
  tmpDir: "/tmp",
  bootstrap: "/plugd/prepared/bootstrap.ts",
  importMap: "/plugd/prepared/import_map.json",
};
