/** Private test fixture: the host layout every permissions test uses. */

import type { HostPaths } from "./types.ts";

/** A plugin "foo" on a host whose state dir is /var/lib/plugd. */
export const HOST: HostPaths = {
  pluginDir: "/var/lib/plugd/plugins/foo",
  dataDir: "/var/lib/plugd/data/foo",
  tmpDir: "/tmp/plugd/foo",
  stateDir: "/var/lib/plugd",
  forbiddenPaths: [
    "/var/lib/plugd/plugd.db",
    "/var/lib/plugd/master.key",
    "/run/plugd/plugd.sock",
    "/var/lib/plugd/plugins/bar",
    "/tmp/plugd", // parent of every plugin's $TMP: foo's own $TMP stays grantable
  ],
  daemonPort: 7420,
  bootstrap: "/var/lib/plugd/run/foo/bootstrap.ts",
  importMap: "/var/lib/plugd/run/foo/import_map.json",
};
