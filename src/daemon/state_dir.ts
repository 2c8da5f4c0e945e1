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

/**
 * Creates the state dir and its folders. The root is 0711: traversable but not listable, so
 * the unprivileged sandbox uid can reach the read-only code and cache it is given, and the
 * socket's group can reach the socket; every secret inside (DB, master key, admin token) is
 * 0600 on its own. The state dir itself is never grantable to a plugin.
 */
export async function ensureStateDir(layout: StateLayout): Promise<void> {
  await Deno.mkdir(layout.root, { recursive: true, mode: 0o711 });
  await Deno.chmod(layout.root, 0o711);
  for (const dir of [layout.plugins, layout.data, layout.tmp, layout.prepared, layout.cache]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
  }
  await Deno.mkdir(layout.incoming, { recursive: true, mode: 0o700 });
}
