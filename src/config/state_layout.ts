/** Where everything lives inside the state dir. */
import { join } from "node:path";

/** Folders inside the state dir, all derived here so nothing else hard-codes a layout. */
export interface StateLayout {
  root: string;
  /** Installed plugin code, read-only: `<root>/plugins/<id>/<version>`. */
  plugins: string;
  /** Private writable data per plugin: `<root>/data/<id>` ($DATA). */
  data: string;
  /** Private temp per plugin in flags-only mode: `<root>/tmp/<id>` (sandboxes get a tmpfs). */
  tmp: string;
  /** Generated bootstrap, import map and module cache (`DENO_DIR`) per plugin version. */
  prepared: string;
  /**
   * Secret launch arguments, each alive for the moment between spawn and the launcher, protocol
   * sockets and the seats' command folder (0700).
   */
  launch: string;
  /** Plugins' `$DATA` volumes (`<id>.img`, ext4) where plugd may mount them (0700). */
  volumes: string;
  /** Uploaded archives and work in progress. */
  incoming: string;
  /** Plugin databases: `<root>/db/<id>/plugin.db` (and `tenants/<t>/plugin.db`). */
  db: string;
}

/** The layout of `root`. */
export function stateLayout(root: string): StateLayout {
  return {
    root,
    plugins: join(root, "plugins"),
    data: join(root, "data"),
    tmp: join(root, "tmp"),
    prepared: join(root, "prepared"),
    launch: join(root, "launch"),
    volumes: join(root, "volumes"),
    incoming: join(root, "incoming"),
    db: join(root, "db"),
  };
}
