/** Where everything lives inside the state dir. */
import { join } from "node:path";

/** Folders inside the state dir, all derived here so nothing else hard-codes a layout. */
export interface StateLayout {
  root: string;
  /** Installed plugin code, read-only: `<root>/plugins/<id>/<version>`. */
  plugins: string;
  /** Private writable data per plugin: `<root>/data/<id>` ($DATA). */
  data: string;
  /** Private temp per plugin: `<root>/tmp/<id>` ($TMP). */
  tmp: string;
  /** Generated bootstrap + import map per plugin version. */
  prepared: string;
  /** The module cache (DENO_DIR) mounted read-only into sandboxes. */
  cache: string;
  /** Uploaded archives and work in progress. */
  incoming: string;
}

/** The layout of `root`. */
export function stateLayout(root: string): StateLayout {
  return {
    root,
    plugins: join(root, "plugins"),
    data: join(root, "data"),
    tmp: join(root, "tmp"),
    prepared: join(root, "prepared"),
    cache: join(root, "cache"),
    incoming: join(root, "incoming"),
  };
}
